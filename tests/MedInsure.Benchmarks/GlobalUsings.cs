global using MedInsure.Articles.Calculations;
global using MedInsure.Articles.Catalog;
global using MedInsure.Articles.Ingestion;
global using MedInsure.Articles.Queries;
global using MedInsure.Articles.Stats;
global using MedInsure.Articles.Storage;
global using MedInsure.Articles.Tagging;
