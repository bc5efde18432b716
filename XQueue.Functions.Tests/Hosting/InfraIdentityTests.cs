using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using XQueue.Functions.Storage;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Hosting;

/// <summary>
/// The app's identity in infra/, on the compiled template: a user-assigned identity the template creates, which the
/// app runs as for storage, the package and Key Vault; its role assignments are named from values known when the
/// deployment starts (so what-if previews them, and an app deleted and created again redeploys), and no key or
/// storage connection string exists anywhere.
/// </summary>
public sealed class InfraIdentityTests
{
    /// <summary>The roles the identity holds, by the type of resource they are held on.</summary>
    static readonly (string Scope, string Role)[] Roles =
    [
        ("Microsoft.Storage/storageAccounts", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b"), // Storage Blob Data Owner
        ("Microsoft.Storage/storageAccounts", "974c5e8b-45b9-4653-ba55-5f855dd0fb88"), // Storage Queue Data Contributor
        ("Microsoft.Storage/storageAccounts", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"), // Storage Table Data Contributor
        ("Microsoft.Insights/components", "3913510d-42f4-4e42-8a64-420c390055eb"), // Monitoring Metrics Publisher
        ("Microsoft.KeyVault/vaults", "4633458b-17de-408a-b874-0445c86b69e6"), // Key Vault Secrets User
    ];

    [Fact]
    public async Task The_app_runs_as_a_user_assigned_identity_the_template_creates()
    {
        var infra = await CompiledInfra.Example;
        var identity = infra.ResourcesOf("Microsoft.ManagedIdentity/userAssignedIdentities").Single().GetProperty("id").GetString();
        var app = infra.App;
        Assert.Equal("UserAssigned", app.GetProperty("identity").GetProperty("type").GetString());
        Assert.Equal([identity], app.GetProperty("identity").GetProperty("userAssignedIdentities").EnumerateObject().Select(p => p.Name));
        // Key Vault references and the package download would otherwise look for a system-assigned identity.
        Assert.Equal(identity, app.GetProperty("properties").GetProperty("keyVaultReferenceIdentity").GetString());
        var package = app.GetProperty("properties").GetProperty("functionAppConfig").GetProperty("deployment").GetProperty("storage").GetProperty("authentication");
        Assert.Equal("UserAssignedIdentity", package.GetProperty("type").GetString());
        Assert.Equal(identity, package.GetProperty("userAssignedIdentityResourceId").GetString());
        // Telemetry, and any default credential in the app, pick the same identity by its client id.
        var settings = infra.AppSettings.ToDictionary(s => s.Name, s => s.Value, StringComparer.Ordinal);
        Assert.Contains("ClientId=", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        Assert.Contains("Authorization=AAD", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        Assert.Equal(settings["AzureWebJobsStorage__clientId"], settings["AZURE_CLIENT_ID"]);
        Assert.Contains("userAssignedIdentities", settings["AZURE_CLIENT_ID"]);
    }

    [Fact]
    public async Task The_identity_holds_its_roles_under_names_known_before_the_deployment_starts()
    {
        var infra = await CompiledInfra.Example;
        var identity = infra.ResourcesOf("Microsoft.ManagedIdentity/userAssignedIdentities").Single().GetProperty("id").GetString()!;
        var assignments = infra.ResourcesOf("Microsoft.Authorization/roleAssignments").ToList();
        Assert.Equal(Roles.Length, assignments.Count); // main.bicepparam names no operator: no Secrets Officer
        foreach (var (scope, role) in Roles)
        {
            var assignment = Assert.Single(assignments, a => RoleOf(a) == role);
            // A name the compiler could not work out would still be an ARM expression here.
            Assert.True(Guid.TryParse(assignment.GetProperty("name").GetString(), out _), assignment.GetRawText());
            Assert.Contains($"/providers/{scope}/", assignment.GetProperty("id").GetString(), StringComparison.OrdinalIgnoreCase);
            var principal = assignment.GetProperty("properties").GetProperty("principalId").GetString()!;
            Assert.Contains($"reference('{identity}'", principal);
            Assert.Equal("ServicePrincipal", assignment.GetProperty("properties").GetProperty("principalType").GetString());
        }
    }

    [Fact]
    public async Task The_role_assignment_names_do_not_depend_on_the_app()
    {
        var example = await CompiledInfra.Example;
        var varied = await CompiledInfra.Varied;
        Assert.NotEqual(example.App.GetProperty("name").GetString(), varied.App.GetProperty("name").GetString());
        Assert.Equal(Names(example), Names(varied));

        static IEnumerable<string?> Names(CompiledInfra infra) =>
            infra.ResourcesOf("Microsoft.Authorization/roleAssignments").Select(a => a.GetProperty("name").GetString()).Order();
    }

    [Fact]
    public async Task The_identity_module_gets_only_values_known_at_the_start_so_what_if_previews_it()
    {
        var infra = await CompiledInfra.Example;
        var module = infra.Template.GetProperty("resources").GetProperty("identity");
        Assert.Equal("Microsoft.Resources/deployments", module.GetProperty("type").GetString());
        foreach (var parameter in module.GetProperty("properties").GetProperty("parameters").EnumerateObject())
        {
            // reference() is how a module's output, or any runtime value, reaches another module.
            Assert.DoesNotContain("reference(", parameter.Value.GetRawText());
        }

        // And the linter keeps it so: a runtime value given to a module for a name, scope or condition is an error.
        using var config = JsonDocument.Parse(File.ReadAllText(Repository.PathTo("infra", "bicepconfig.json")),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var rule = config.RootElement.GetProperty("analyzers").GetProperty("core").GetProperty("rules").GetProperty("what-if-short-circuiting");
        Assert.Equal("error", rule.GetProperty("level").GetString());
    }

    [Fact]
    public async Task Storage_is_reached_by_managed_identity_with_no_key_or_connection_string_anywhere()
    {
        var infra = await CompiledInfra.Example;
        var settings = infra.AppSettings.ToDictionary(s => s.Name, s => s, StringComparer.Ordinal);
        Assert.Contains("AzureWebJobsStorage__accountName", settings.Keys);
        Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys);
        // The host and the app read the same settings; the app chooses its credential from them as the host does.
        var storage = new ConfigurationBuilder().AddInMemoryCollection(settings.Values
                .Where(s => s.Name.StartsWith(StorageRegistration.Key, StringComparison.Ordinal))
                .Select(s => KeyValuePair.Create(OptionPaths.PathOf(s.Name), (string?)s.Value)))
            .Build();
        var target = StorageRegistration.Choose(storage);
        Assert.Equal(StorageCredentialKind.ManagedIdentity, target.CredentialKind);
        Assert.Equal(settings["AzureWebJobsStorage__accountName"].Value, target.AccountName);
        Assert.Equal(settings["AZURE_CLIENT_ID"].Value, target.ManagedIdentityClientId);

        var code = infra.TemplateCode;
        foreach (var forbidden in new[] { "listKeys", "listAccountSas", "listServiceSas", "AccountKey=", "DefaultEndpointsProtocol", "SharedAccessSignature=" })
        {
            Assert.False(code.Contains(forbidden, StringComparison.OrdinalIgnoreCase), $"infra/ must not use {forbidden}: storage is Entra ID only.");
        }
        // The only connection string is Application Insights' (it holds no key when local auth is off).
        var withoutAppInsights = Regex.Replace(code, @"APPLICATIONINSIGHTS_CONNECTION_STRING|\)\.ConnectionString\b|appInsightsConnectionString", "");
        Assert.DoesNotMatch(new Regex("connection_?string", RegexOptions.IgnoreCase), withoutAppInsights);

        Assert.False(infra.Parameter("allowSharedKeyAccess").GetProperty("defaultValue").GetBoolean());
        Assert.False(infra.ResourcesOf("Microsoft.Storage/storageAccounts").Single()
            .GetProperty("properties").GetProperty("allowSharedKeyAccess").GetBoolean());
    }

    static string RoleOf(JsonElement assignment) =>
        assignment.GetProperty("properties").GetProperty("roleDefinitionId").GetString()!.Split('/')[^1];
}
