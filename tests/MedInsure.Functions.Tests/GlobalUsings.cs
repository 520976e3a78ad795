global using System.Net;
global using System.Net.Http.Json;
global using System.Text.Json;
global using MedInsure.Articles.Calculations;
global using MedInsure.Articles.Catalog;
global using MedInsure.Articles.Ingestion;
global using MedInsure.Articles.Queries;
global using MedInsure.Articles.Stats;
global using MedInsure.Articles.Storage;
global using MedInsure.Articles.Tagging;
global using MedInsure.Functions.Tests.Infrastructure;
global using MedInsure.Testing;

[assembly: AssemblyFixture(typeof(AzuriteFixture))]
