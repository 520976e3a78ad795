global using Azure;
global using Azure.Data.Tables;
global using MedInsure.Testing;
global using MedInsure.Testing.AzureLimits;
global using MedInsure.Testing.Tests;

[assembly: AssemblyFixture(typeof(AzuriteFixture))]
