using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MedInsure.Infra.Tests;

/// <summary>infra/main.bicep compiles and lints clean, and the compiled ARM template has the shape of a .NET isolated app on Flex.</summary>
public sealed partial class BicepTests(BicepFixture bicep) : IClassFixture<BicepFixture>
{
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string StorageAccountContributor = "17d1049b-9a84-46fb-8f53-869881c3d3ab";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    [Fact]
    public void BuildSucceedsWithoutDiagnostics()
    {
        Assert.True(bicep.Build.ExitCode == 0, bicep.Build.ToString());
        Assert.True(string.IsNullOrWhiteSpace(bicep.Build.StandardError), bicep.Build.ToString());
    }

    [Fact]
    public void LintReportsNoWarningsOrErrors()
    {
        // `bicep lint` exits 0 on warnings, so any diagnostic line fails the test here.
        Assert.True(bicep.Lint.ExitCode == 0, bicep.Lint.ToString());
        Assert.True(string.IsNullOrWhiteSpace(bicep.Lint.StandardError + bicep.Lint.StandardOutput), bicep.Lint.ToString());
    }

    [Fact]
    public void FunctionAppRunsDotnetIsolated10OnFlexWithIdentityDeployment()
    {
        var site = Assert.Single(bicep.ResourcesOfType("Microsoft.Web/sites"));
        var config = site["properties"]?["functionAppConfig"];

        Assert.Equal("functionapp,linux", Str(site["kind"]));
        Assert.True(site["properties"]?["httpsOnly"]?.GetValue<bool>());
        // The package is a framework-dependent net10.0 worker (scripts/package.sh); Flex provides that runtime.
        Assert.Equal("dotnet-isolated", Str(config?["runtime"]?["name"]));
        Assert.Equal("10.0", Str(config?["runtime"]?["version"]));
        Assert.Equal("blobContainer", Str(config?["deployment"]?["storage"]?["type"]));
        Assert.Equal("UserAssignedIdentity", Str(config?["deployment"]?["storage"]?["authentication"]?["type"]));
        Assert.Equal("[parameters('instanceMemoryMB')]", Str(config?["scaleAndConcurrency"]?["instanceMemoryMB"]));
        Assert.Equal("[parameters('maximumInstanceCount')]", Str(config?["scaleAndConcurrency"]?["maximumInstanceCount"]));
        Assert.Equal("UserAssigned", Str(site["identity"]?["type"]));
    }

    [Fact]
    public void PlanIsFlexConsumptionFc1OnLinux()
    {
        var plan = Assert.Single(bicep.ResourcesOfType("Microsoft.Web/serverfarms"));

        Assert.Equal("FC1", Str(plan["sku"]?["name"]));
        Assert.Equal("FlexConsumption", Str(plan["sku"]?["tier"]));
        Assert.True(plan["properties"]?["reserved"]?.GetValue<bool>());
    }

    [Fact]
    public void ScaleParametersAreConstrainedToWhatFlexAccepts()
    {
        var parameters = bicep.Template["parameters"]!;

        var memory = parameters["instanceMemoryMB"]!["allowedValues"]!.AsArray().Select(v => v!.GetValue<int>());
        Assert.Equal(new[] { 512, 2048, 4096 }, memory);
        Assert.Equal(40, parameters["maximumInstanceCount"]!["minValue"]!.GetValue<int>());
        Assert.Equal(1000, parameters["maximumInstanceCount"]!["maxValue"]!.GetValue<int>());
        Assert.Equal("location", Str(parameters["location"]!["metadata"]?["azd"]?["type"]));
        Assert.Contains("--runtime dotnet-isolated", Str(parameters["location"]!["metadata"]?["description"]), StringComparison.Ordinal);
    }

    [Fact]
    public void StorageAccountAllowsOnlyEntraIdOverTls12()
    {
        var storage = Assert.Single(bicep.ResourcesOfType("Microsoft.Storage/storageAccounts"));
        var properties = storage["properties"]!;

        Assert.Equal("StorageV2", Str(storage["kind"]));
        Assert.False(properties["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.False(properties["allowBlobPublicAccess"]!.GetValue<bool>());
        Assert.True(properties["supportsHttpsTrafficOnly"]!.GetValue<bool>());
        Assert.Equal("TLS1_2", Str(properties["minimumTlsVersion"]));
    }

    [Fact]
    public void StorageGetsTheAppContainersAndTables()
    {
        var main = bicep.Template["variables"]!;

        var containers = main["appContainers"]!.AsObject().Select(p => Str(p.Value)).ToList();
        var tables = main["appTables"]!.AsObject().Select(p => Str(p.Value)).ToList();

        Assert.Equal(new[] { "dumps", "quarantine", "article-bodies" }, containers);
        Assert.Equal(new[] { "articles", "operations", "sources", "articleindex", "ingestions", "stats" }, tables);
        var shards = main["copy"]!.AsArray().Single(c => Str(c!["name"]) == "indexShardTables")!;
        // StorageOptions.ArticleIndexShards in the app (not referenced here: see the csproj).
        Assert.Equal("[length(range(0, 32))]", Str(shards["count"]));
        Assert.Contains("padLeft(range(0, 32)[copyIndex('indexShardTables')], 2, '0')", Str(shards["input"]), StringComparison.Ordinal);
        Assert.Single(bicep.ResourcesOfType("Microsoft.Storage/storageAccounts/blobServices/containers"));
        Assert.Single(bicep.ResourcesOfType("Microsoft.Storage/storageAccounts/tableServices/tables"));
    }

    [Fact]
    public void StorageGetsTheQueueThatRunsBackgroundAdminOperations()
    {
        var storage = bicep.AllResources().Single(r => Str(r.Resource["type"]) == "Microsoft.Resources/deployments" && Str(r.Resource["name"]) == "storage").Resource;

        Assert.Equal("[\"operations\"]", storage["properties"]?["parameters"]?["queueNames"]?["value"]?.ToJsonString());
        Assert.Single(bicep.ResourcesOfType("Microsoft.Storage/storageAccounts/queueServices/queues"));
    }

    [Fact]
    public void HostStorageSettingsAreIdentityBased()
    {
        var settings = BaseSettings();

        Assert.Equal("managedidentity", Str(settings["AzureWebJobsStorage__credential"]));
        Assert.Equal("[parameters('storageBlobEndpoint')]", Str(settings["AzureWebJobsStorage__blobServiceUri"]));
        Assert.Equal("[parameters('storageQueueEndpoint')]", Str(settings["AzureWebJobsStorage__queueServiceUri"]));
        Assert.Equal("[parameters('storageTableEndpoint')]", Str(settings["AzureWebJobsStorage__tableServiceUri"]));
        Assert.Equal("[parameters('identityClientId')]", Str(settings["AzureWebJobsStorage__clientId"]));
        Assert.Null(settings["AzureWebJobsStorage"]);
    }

    [Fact]
    public void TelemetrySettingsSendToApplicationInsightsAsTheAppIdentity()
    {
        var settings = BaseSettings();

        Assert.Equal("[parameters('applicationInsightsConnectionString')]", Str(settings["APPLICATIONINSIGHTS_CONNECTION_STRING"]));
        Assert.Equal("[format('ClientId={0};Authorization=AAD', parameters('identityClientId'))]", Str(settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]));
        // The worker's Azure Monitor exporter and storage clients sign in as this identity.
        Assert.Equal("[parameters('identityClientId')]", Str(settings["AZURE_CLIENT_ID"]));

        // ...and main.bicep feeds those parameters from the monitoring and identity modules.
        var parameters = FunctionModule()["properties"]?["parameters"];
        Assert.Contains("'monitoring'", Str(parameters?["applicationInsightsConnectionString"]?["value"]), StringComparison.Ordinal);
        Assert.Contains(".outputs.connectionString.value", Str(parameters?["applicationInsightsConnectionString"]?["value"]), StringComparison.Ordinal);
        Assert.Contains("'identity'", Str(parameters?["identityClientId"]?["value"]), StringComparison.Ordinal);
        Assert.Contains(".outputs.clientId.value", Str(parameters?["identityClientId"]?["value"]), StringComparison.Ordinal);
    }

    [Fact]
    public void SiteAppSettingsAreTheBaseSettingsMergedWithTheAppStorageNamesAndKeyVaultReferences()
    {
        var config = Assert.Single(bicep.ResourcesOfType("Microsoft.Web/sites/config"));

        Assert.EndsWith("'appsettings')]", Str(config["name"]), StringComparison.Ordinal);
        Assert.Equal("[union(variables('baseSettings'), parameters('appSettings'), variables('keyVaultReferences'))]", Str(config["properties"]));
        Assert.Equal("[variables('appSettings')]", Str(FunctionModule()["properties"]?["parameters"]?["appSettings"]?["value"]));
    }

    [Theory]
    [InlineData("FUNCTIONS_WORKER_RUNTIME")]
    [InlineData("FUNCTIONS_EXTENSION_VERSION")]
    [InlineData("WEBSITE_RUN_FROM_PACKAGE")]
    [InlineData("WEBSITE_CONTENTSHARE")]
    [InlineData("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING")]
    [InlineData("WEBSITE_NODE_DEFAULT_VERSION")]
    [InlineData("WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED")]
    [InlineData("SCM_DO_BUILD_DURING_DEPLOYMENT")]
    [InlineData("ENABLE_ORYX_BUILD")]
    public void TemplateSetsNoSettingThatFlexRejects(string setting)
    {
        Assert.True(bicep.Build.ExitCode == 0, bicep.Build.ToString());
        Assert.DoesNotContain(setting, bicep.TemplateText, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TemplateBuildsNoKeyBasedConnectionString()
    {
        Assert.True(bicep.Build.ExitCode == 0, bicep.Build.ToString());
        Assert.DoesNotContain("AccountKey", bicep.TemplateText, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("DefaultEndpointsProtocol", bicep.TemplateText, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("listKeys(", bicep.TemplateText, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("InstrumentationKey=", bicep.TemplateText, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void EveryRoleAssignmentIsScopedToTheStorageAccountAppInsightsOrKeyVault()
    {
        var assignments = bicep.AllResources()
            .Where(r => Str(r.Resource["type"]) == "Microsoft.Authorization/roleAssignments")
            .Select(r => (Scope: Str(r.Resource["scope"]), Roles: RoleIds(r.Resource, r.Template)))
            .ToList();

        Assert.NotEmpty(assignments);
        Assert.All(assignments, a =>
        {
            Assert.NotEmpty(a.Roles);
            if (a.Scope.Contains("'Microsoft.Storage/storageAccounts'", StringComparison.Ordinal))
            {
                Assert.Subset(
                    new HashSet<string>([StorageBlobDataOwner, StorageBlobDataContributor, StorageQueueDataContributor, StorageTableDataContributor, StorageAccountContributor]),
                    a.Roles);
            }
            else if (a.Scope.Contains("'Microsoft.KeyVault/vaults'", StringComparison.Ordinal))
            {
                Assert.Equal(KeyVaultSecretsUser, Assert.Single(a.Roles));
            }
            else
            {
                Assert.Contains("'Microsoft.Insights/components'", a.Scope, StringComparison.Ordinal);
                Assert.Equal(MonitoringMetricsPublisher, Assert.Single(a.Roles));
            }
        });
        // The roles the Event Grid blob trigger and the app need on the host storage identity.
        var storageRoles = assignments.Where(a => a.Scope.Contains("Storage", StringComparison.Ordinal)).SelectMany(a => a.Roles).ToHashSet();
        Assert.Superset(new HashSet<string>([StorageBlobDataOwner, StorageQueueDataContributor, StorageTableDataContributor, StorageAccountContributor]), storageRoles);
        Assert.Contains(assignments, a => a.Roles.Count == 1 && a.Roles.Contains(MonitoringMetricsPublisher));
    }

    [Fact]
    public void EventGridSystemTopicWatchesTheStorageAccount()
    {
        var topic = Assert.Single(bicep.ResourcesOfType("Microsoft.EventGrid/systemTopics"));

        Assert.Equal("Microsoft.Storage.StorageAccounts", Str(topic["properties"]?["topicType"]));
        Assert.Contains("Microsoft.Storage/storageAccounts", Str(topic["properties"]?["source"]), StringComparison.Ordinal);
        // The webhook subscription needs the blobs_extension key, which exists only after code deploy (postdeploy hook).
        Assert.Empty(bicep.ResourcesOfType("Microsoft.EventGrid/systemTopics/eventSubscriptions"));
    }

    [Theory]
    [InlineData("AZURE_LOCATION")]
    [InlineData("AZURE_RESOURCE_GROUP")]
    [InlineData("AZURE_FUNCTION_APP_NAME")]
    [InlineData("SERVICE_API_NAME")]
    [InlineData("AZURE_STORAGE_ACCOUNT_NAME")]
    [InlineData("AZURE_STORAGE_BLOB_ENDPOINT")]
    [InlineData("EVENT_GRID_SYSTEM_TOPIC_NAME")]
    [InlineData("STORAGE_DUMPS_CONTAINER")]
    public void TemplateOutputsWhatAzdAndThePostDeployHookRead(string output)
    {
        Assert.NotNull(bicep.Template["outputs"]?[output]);
    }

    [Fact]
    public void SiteCarriesTheAzdServiceTagOfTheApiService()
    {
        Assert.Contains("'azd-service-name', 'api'", Str(FunctionModule()["properties"]?["parameters"]?["siteTags"]?["value"]), StringComparison.Ordinal);
    }

    private JsonObject FunctionModule() =>
        bicep.AllResources().Single(r => Str(r.Resource["type"]) == "Microsoft.Resources/deployments" && Str(r.Resource["name"]) == "function").Resource;

    private JsonObject BaseSettings()
    {
        var (_, template) = bicep.AllResources().Single(r => Str(r.Resource["type"]) == "Microsoft.Web/sites");
        return template["variables"]?["baseSettings"]?.AsObject() ?? throw new InvalidDataException("baseSettings variable not found");
    }

    // roleDefinitionId is an expression such as
    // [subscriptionResourceId('...roleDefinitions', variables('appStorageRoles')[copyIndex()])]; resolve the variables to GUIDs.
    private static HashSet<string> RoleIds(JsonObject assignment, JsonObject template)
    {
        var expression = Str(assignment["properties"]?["roleDefinitionId"]);
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match match in Guid().Matches(expression))
        {
            ids.Add(match.Value);
        }

        foreach (Match match in VariableReference().Matches(expression))
        {
            Collect(template["variables"]?[match.Groups[1].Value], template, ids);
        }

        return ids;
    }

    private static void Collect(JsonNode? node, JsonObject template, HashSet<string> ids)
    {
        switch (node)
        {
            case JsonArray array:
                foreach (var item in array)
                {
                    Collect(item, template, ids);
                }

                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                var reference = VariableReference().Match(text);
                if (reference.Success)
                {
                    Collect(template["variables"]?[reference.Groups[1].Value], template, ids);
                }
                else if (Guid().IsMatch(text))
                {
                    ids.Add(text);
                }

                break;
        }
    }

    private static string Str(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";

    [GeneratedRegex(@"variables\('([^']+)'\)")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", RegexOptions.IgnoreCase)]
    private static partial Regex Guid();
}
