using System.Text.Json.Nodes;

namespace MedInsure.Infra.Tests;

/// <summary>
/// The paging-token key: one value per azd environment, passed in as a secure parameter, kept in Key Vault and handed
/// to every instance as the Key Vault reference Paging__Secret, resolved with the app's user-assigned identity.
/// </summary>
public sealed partial class BicepTests
{
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";

    [Fact]
    public void KeyVaultUsesRbacAuthorizationAndSoftDeleteOnThePublicEndpoint()
    {
        var vault = Assert.Single(bicep.ResourcesOfType("Microsoft.KeyVault/vaults"));
        var properties = vault["properties"]!;

        Assert.True(properties["enableRbacAuthorization"]!.GetValue<bool>());
        Assert.True(properties["enableSoftDelete"]!.GetValue<bool>());
        Assert.Null(properties["accessPolicies"]);
        // Purge protection can never be switched off again and would stop `azd down --purge` from freeing the name.
        Assert.Null(properties["enablePurgeProtection"]);
        // Like storage: no VNet in this design, so the platform reaches the vault on its public endpoint.
        Assert.Equal("Enabled", Str(properties["publicNetworkAccess"]));
        Assert.Equal("Allow", Str(properties["networkAcls"]?["defaultAction"]));
    }

    [Fact]
    public void KeyVaultIsNamedWithTheTemplatesAbbreviationAndResourceToken()
    {
        var abbreviations = JsonNode.Parse(File.ReadAllText(Path.Combine(TestEnvironment.RepoRoot, "infra", "abbreviations.json")))!;
        var prefix = Str(abbreviations["keyVaultVaults"]);
        var name = Str(Module("keyvault")["properties"]?["parameters"]?["name"]);

        Assert.Equal("kv-", prefix);
        Assert.Contains("variables('abbrs').keyVaultVaults, variables('resourceToken')", name, StringComparison.Ordinal);
        Assert.Contains("parameters('keyVaultName')", name, StringComparison.Ordinal);
        // uniqueString() is 13 characters; vault names may have 24 at most.
        Assert.True(prefix.Length + 13 <= 24, $"'{prefix}' + resourceToken is longer than a vault name may be");
    }

    [Fact]
    public void PagingSecretParameterIsSecureRequiredAndLongEnough()
    {
        var parameter = bicep.Template["parameters"]?["pagingSecret"];
        var moduleParameter = ModuleTemplate("keyvault")["parameters"]?["pagingSecret"];

        Assert.Equal("securestring", Str(parameter?["type"]));
        Assert.Null(parameter?["defaultValue"]);
        Assert.True(parameter?["minLength"]?.GetValue<int>() >= 32, "pagingSecret needs a minLength of at least 32");
        Assert.Equal("securestring", Str(moduleParameter?["type"]));
        Assert.Equal("[parameters('pagingSecret')]", Str(Module("keyvault")["properties"]?["parameters"]?["pagingSecret"]?["value"]));
    }

    [Fact]
    public void SecretIsCreatedInTheVaultFromTheSecureParameter()
    {
        var (secret, template) = Assert.Single(bicep.AllResources(), r => Str(r.Resource["type"]) == "Microsoft.KeyVault/vaults/secrets");

        Assert.Equal("[format('{0}/{1}', parameters('name'), 'paging-secret')]", Str(secret["name"]));
        Assert.Equal("[parameters('pagingSecret')]", Str(secret["properties"]?["value"]));
        Assert.Equal("securestring", Str(template["parameters"]?["pagingSecret"]?["type"]));
        Assert.Contains(template["resources"]!.AsArray(), r => Str(r?["type"]) == "Microsoft.KeyVault/vaults" && Str(r?["name"]) == "[parameters('name')]");
    }

    [Fact]
    public void PagingSecretSettingIsAKeyVaultReferenceToThatSecret()
    {
        // main.bicep hands the function module the secret's URI under the setting name...
        var settings = FunctionModule()["properties"]?["parameters"]?["keyVaultSettings"]?["value"]?.AsObject();
        var uri = Str(settings?["Paging__Secret"]);
        Assert.Equal(new[] { "Paging__Secret" }, settings?.Select(p => p.Key));
        Assert.Contains("'Microsoft.Resources/deployments', 'keyvault')", uri, StringComparison.Ordinal);
        Assert.EndsWith(".outputs.pagingKeyUri.value]", uri, StringComparison.Ordinal);

        // ...which is the URI (with version) of the paging secret...
        var output = Str(ModuleTemplate("keyvault")["outputs"]?["pagingKeyUri"]?["value"]);
        Assert.Equal("[reference(resourceId('Microsoft.KeyVault/vaults/secrets', parameters('name'), 'paging-secret'), '2023-07-01').secretUriWithVersion]", output);

        // ...and function.bicep turns every such entry into a Key Vault reference among the site's app settings.
        var (_, template) = bicep.AllResources().Single(r => Str(r.Resource["type"]) == "Microsoft.Web/sites");
        var references = Str(template["variables"]?["keyVaultReferences"]);
        Assert.Equal(
            "[toObject(items(parameters('keyVaultSettings')), lambda('s', lambdaVariables('s').key), lambda('s', format('@Microsoft.KeyVault(SecretUri={0})', lambdaVariables('s').value)))]",
            references);
        var config = Assert.Single(bicep.ResourcesOfType("Microsoft.Web/sites/config"));
        Assert.Contains("variables('keyVaultReferences')", Str(config["properties"]), StringComparison.Ordinal);

        // The setting exists only as that reference, never as a plain value.
        Assert.Equal(2, bicep.TemplateText.Split("Paging__Secret").Length);
    }

    [Fact]
    public void SiteResolvesKeyVaultReferencesAsTheAppIdentity()
    {
        var site = Assert.Single(bicep.ResourcesOfType("Microsoft.Web/sites"));
        var identityId = Str(FunctionModule()["properties"]?["parameters"]?["identityId"]?["value"]);

        Assert.Equal("[parameters('identityId')]", Str(site["properties"]?["keyVaultReferenceIdentity"]));
        Assert.Contains("[format('{0}', parameters('identityId'))]", site["identity"]?["userAssignedIdentities"]?.AsObject().Select(p => p.Key) ?? []);
        Assert.Contains("'Microsoft.Resources/deployments', 'identity')", identityId, StringComparison.Ordinal);
        Assert.EndsWith(".outputs.id.value]", identityId, StringComparison.Ordinal);
    }

    [Fact]
    public void AppIdentityHasKeyVaultSecretsUserScopedToTheVault()
    {
        var (assignment, template) = Assert.Single(
            bicep.AllResources(),
            r => Str(r.Resource["type"]) == "Microsoft.Authorization/roleAssignments" && RoleIds(r.Resource, r.Template).Contains(KeyVaultSecretsUser));
        var rbac = Module("rbac")["properties"]?["parameters"];

        Assert.Equal(KeyVaultSecretsUser, Assert.Single(RoleIds(assignment, template)));
        Assert.Equal("[resourceId('Microsoft.KeyVault/vaults', parameters('keyVaultName'))]", Str(assignment["scope"]));
        Assert.Equal("[parameters('appPrincipalId')]", Str(assignment["properties"]?["principalId"]));
        Assert.Equal("ServicePrincipal", Str(assignment["properties"]?["principalType"]));
        Assert.Contains("'Microsoft.Resources/deployments', 'keyvault')", Str(rbac?["keyVaultName"]?["value"]), StringComparison.Ordinal);
        Assert.EndsWith(".outputs.name.value]", Str(rbac?["keyVaultName"]?["value"]), StringComparison.Ordinal);
        Assert.Contains("'Microsoft.Resources/deployments', 'identity')", Str(rbac?["appPrincipalId"]?["value"]), StringComparison.Ordinal);
        Assert.EndsWith(".outputs.principalId.value]", Str(rbac?["appPrincipalId"]?["value"]), StringComparison.Ordinal);
    }

    [Fact]
    public void FunctionAppIsDeployedAfterTheRoleAssignments()
    {
        // Otherwise the site could first try to resolve its Key Vault reference before its identity may read the vault.
        var dependsOn = FunctionModule()["dependsOn"]?.AsArray().Select(d => Str(d)) ?? [];

        Assert.Contains(dependsOn, d => d.EndsWith("'Microsoft.Resources/deployments', 'rbac')]", StringComparison.Ordinal));
    }

    [Fact]
    public void NoOutputCarriesThePagingSecret()
    {
        var templates = new[] { bicep.Template }.Concat(bicep.AllResources().Select(r => (r.Resource["properties"] as JsonObject)?["template"]).OfType<JsonObject>()).ToList();
        var outputs = templates.SelectMany(t => t["outputs"]?.AsObject() ?? []).ToList();

        Assert.Contains(outputs, o => o.Key == "pagingKeyUri");
        Assert.All(outputs, o =>
        {
            var text = o.Value!.ToJsonString();
            Assert.DoesNotContain("pagingSecret", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("PAGING_SECRET", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("securestring", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("listSecrets", text, StringComparison.OrdinalIgnoreCase);
        });
    }

    private JsonObject Module(string name) =>
        bicep.AllResources().Single(r => Str(r.Resource["type"]) == "Microsoft.Resources/deployments" && Str(r.Resource["name"]) == name).Resource;

    private JsonObject ModuleTemplate(string name) => Module(name)["properties"]?["template"]?.AsObject() ?? throw new InvalidDataException($"module {name} has no template");
}
