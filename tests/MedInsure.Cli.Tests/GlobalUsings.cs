global using System.Text.Json;
global using MedInsure.Cli.Tests.Infrastructure;
global using MedInsure.Testing;

[assembly: AssemblyFixture(typeof(AzuriteFixture))]
