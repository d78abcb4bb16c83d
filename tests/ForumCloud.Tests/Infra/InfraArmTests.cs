namespace ForumCloud.Tests.Infra;

/// <summary>What the compiled ARM JSON deploys: checked resource by resource, offline.</summary>
public sealed class InfraArmTests
{
    private const string RoleAssignmentType = "Microsoft.Authorization/roleAssignments";
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";

    private readonly ArmTemplate _template = CompiledInfra.Evaluate();

    [Fact]
    public void The_deployment_is_subscription_scoped_and_creates_rg_env()
    {
        Assert.Contains("subscriptionDeploymentTemplate", (string?)CompiledInfra.Json["$schema"]);
        var group = _template.Single("Microsoft.Resources/resourceGroups");
        Assert.Equal("rg-forumcloud-ci", group.Text("name"));
        Assert.Equal("forumcloud-ci", group.Object("tags")["azd-env-name"]);
        Assert.All(_template.Resources.Where(r => r.Type != "Microsoft.Resources/deployments" && r.Node["tags"] is not null),
            r => Assert.Equal("forumcloud-ci", ((Dictionary<string, object?>)r.Evaluate("tags")!)["azd-env-name"]));
    }

    [Fact]
    public void Storage_accepts_Entra_ID_only_over_TLS_1_2_with_no_public_blobs()
    {
        var storage = _template.Single("Microsoft.Storage/storageAccounts");
        Assert.Equal(false, storage.Evaluate("properties.allowSharedKeyAccess"));
        Assert.Equal("TLS1_2", storage.Evaluate("properties.minimumTlsVersion"));
        Assert.Equal(false, storage.Evaluate("properties.allowBlobPublicAccess"));
        Assert.Equal(true, storage.Evaluate("properties.supportsHttpsTrafficOnly"));
        Assert.Equal(true, storage.Evaluate("properties.defaultToOAuthAuthentication"));
    }

    [Fact]
    public void The_function_app_uses_identity_based_storage_settings_only()
    {
        var settings = InfraParityTests.AppSettings(_template);
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.Matches(@"^⟨reference\(.*'identity'.*\)\.outputs\.clientId\.value⟩$", ArmExpression.Text(settings["AzureWebJobsStorage__clientId"]));
        foreach (var service in new[] { "blob", "queue", "table" })
        {
            Assert.Matches($@"^⟨reference\(resourceId\('Microsoft\.Storage/storageAccounts', parameters\('storageAccountName'\)\), '[0-9-]+'\)\.primaryEndpoints\.{service}⟩$",
                ArmExpression.Text(settings[$"AzureWebJobsStorage__{service}ServiceUri"]));
        }

        Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys);
        Assert.DoesNotContain(settings, s => s.Key.StartsWith("AzureWebJobsStorage__accountKey", StringComparison.OrdinalIgnoreCase));
        // Flex Consumption refuses these (the runtime lives in functionAppConfig; no content share).
        foreach (var forbidden in new[] { "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "WEBSITE_CONTENTSHARE" })
        {
            Assert.DoesNotContain(forbidden, settings.Keys);
        }

        Assert.Equal("ClientId=" + ArmExpression.Text(settings["AzureWebJobsStorage__clientId"]) + ";Authorization=AAD",
            settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        Assert.Matches(@"^⟨reference\(resourceId\('Microsoft\.Insights/components', .*\)\.ConnectionString⟩$", ArmExpression.Text(settings["APPLICATIONINSIGHTS_CONNECTION_STRING"]));
    }

    [Fact]
    public void The_app_identity_gets_the_storage_monitoring_and_key_vault_roles()
    {
        var assignments = _template.OfType(RoleAssignmentType)
            .Where(a => a.Deployed == true && a.Text("properties.principalType") == "ServicePrincipal")
            .ToArray();
        (string Role, string Scope)[] expected =
        [
            (StorageBlobDataOwner, "Microsoft.Storage/storageAccounts"),
            (StorageQueueDataContributor, "Microsoft.Storage/storageAccounts"),
            (StorageTableDataContributor, "Microsoft.Storage/storageAccounts"),
            (MonitoringMetricsPublisher, "Microsoft.Insights/components"),
            (KeyVaultSecretsUser, "Microsoft.KeyVault/vaults"),
        ];

        Assert.Equal(expected.Length, assignments.Length);
        foreach (var (role, scope) in expected)
        {
            var assignment = Assert.Single(assignments, a => a.Text("properties.roleDefinitionId").EndsWith("/providers/Microsoft.Authorization/roleDefinitions/" + role));
            Assert.Contains($"/providers/{scope}/", assignment.Text("scope"));
            Assert.Matches(@"^⟨reference\(.*'identity'.*\)\.outputs\.principalId\.value⟩$", assignment.Text("properties.principalId"));
        }
    }

    [Fact]
    public void The_deploying_user_gets_the_storage_data_roles_only_when_asked_for()
    {
        bool UserRoles(ArmTemplate t, string role) => t.OfType(RoleAssignmentType)
            .Any(a => a.Deployed == true && a.Text("properties.principalType") == "User" && a.Text("properties.roleDefinitionId").EndsWith(role));

        const string user = "00000000-0000-0000-0000-00000000beef";
        var asked = CompiledInfra.Evaluate(new Dictionary<string, object?> { ["principalId"] = user, ["grantUserDataRoles"] = true });
        Assert.All(new[] { StorageBlobDataOwner, StorageQueueDataContributor, StorageTableDataContributor }, role => Assert.True(UserRoles(asked, role)));
        // azd always passes AZURE_PRINCIPAL_ID: that alone grants nothing.
        var notAsked = CompiledInfra.Evaluate(new Dictionary<string, object?> { ["principalId"] = user });
        Assert.False(UserRoles(notAsked, StorageBlobDataOwner));
        Assert.False(UserRoles(_template, StorageBlobDataOwner));
    }

    [Fact]
    public void The_function_app_is_https_only_tls_1_2_without_ftp_or_basic_auth()
    {
        var site = _template.Single("Microsoft.Web/sites");
        Assert.Equal("functionapp,linux", site.Evaluate("kind"));
        Assert.Equal(true, site.Evaluate("properties.httpsOnly"));
        Assert.Equal("Disabled", site.Evaluate("properties.siteConfig.ftpsState"));
        Assert.Equal("1.2", site.Evaluate("properties.siteConfig.minTlsVersion"));
        Assert.Equal("UserAssigned", site.Evaluate("identity.type"));
        // Two identities: the app's (data roles, Key Vault references) and the bot's (no roles), for CloudAdapter.
        var identities = site.Object("identity.userAssignedIdentities").Keys.ToArray();
        Assert.Equal(2, identities.Length);
        Assert.Contains(site.Text("properties.keyVaultReferenceIdentity"), identities);
        Assert.Contains(identities, i => i.Contains("'bot-identity'", StringComparison.Ordinal));
        var policies = _template.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToArray();
        Assert.Equal(["ftp", "scm"], policies.Select(p => p.ShortName).Order());
        Assert.All(policies, p => Assert.Equal(false, p.Evaluate("properties.allow")));
    }

    [Fact]
    public void The_function_app_runs_on_Flex_Consumption_with_dotnet_isolated_10()
    {
        var plan = _template.Single("Microsoft.Web/serverfarms");
        Assert.Equal("FC1", plan.Evaluate("sku.name"));
        Assert.Equal("FlexConsumption", plan.Evaluate("sku.tier"));
        Assert.Equal(true, plan.Evaluate("properties.reserved"));

        var site = _template.Single("Microsoft.Web/sites");
        Assert.Equal("dotnet-isolated", site.Evaluate("properties.functionAppConfig.runtime.name"));
        Assert.Equal("10.0", site.Evaluate("properties.functionAppConfig.runtime.version"));
        Assert.Equal("blobContainer", site.Evaluate("properties.functionAppConfig.deployment.storage.type"));
        Assert.Equal("UserAssignedIdentity", site.Evaluate("properties.functionAppConfig.deployment.storage.authentication.type"));
        Assert.Equal(site.Text("properties.keyVaultReferenceIdentity"),
            site.Text("properties.functionAppConfig.deployment.storage.authentication.userAssignedIdentityResourceId"));

        // The deployment container exists in the app's storage account.
        var packageUri = site.Text("properties.functionAppConfig.deployment.storage.value");
        var container = Assert.Single(_template.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"));
        Assert.EndsWith(container.ShortName, packageUri);
        Assert.StartsWith("app-package-", container.ShortName);
        Assert.Equal("None", container.Evaluate("properties.publicAccess"));
    }

    [Fact]
    public void The_azure_bot_is_a_managed_identity_bot_pointing_at_api_messages()
    {
        var bot = _template.Single("Microsoft.BotService/botServices");
        Assert.Equal("azurebot", bot.Evaluate("kind"));
        Assert.Contains(bot.Evaluate("sku.name"), new object?[] { "F0", "S1" });
        Assert.Equal("UserAssignedMSI", bot.Evaluate("properties.msaAppType"));
        // The bot has an identity of its own, not the app's data identity.
        Assert.Matches(@"^⟨reference\(.*'bot-identity'.*\)\.outputs\.clientId\.value⟩$", bot.Text("properties.msaAppId"));
        Assert.Matches(@"^⟨reference\(.*'bot-identity'.*\)\.outputs\.id\.value⟩$", bot.Text("properties.msaAppMSIResourceId"));
        Assert.Matches(@"^⟨tenant\(\)\.tenantId⟩$", bot.Text("properties.msaAppTenantId"));
        Assert.Matches(@"^https://⟨reference\(.*'api'.*\)\.outputs\.defaultHostName\.value⟩/api/messages$", bot.Text("properties.endpoint"));

        var channel = Assert.Single(_template.OfType("Microsoft.BotService/botServices/channels"));
        Assert.Equal("DirectLineChannel", channel.ShortName);
        Assert.Equal("DirectLineChannel", channel.Evaluate("properties.channelName"));
        var site = Assert.Single((List<object?>)channel.Evaluate("properties.properties.sites")!);
        Assert.Equal(true, ((Dictionary<string, object?>)site!)["isEnabled"]);
        Assert.Equal(true, ((Dictionary<string, object?>)site)["isV3Enabled"]);
        // Enhanced authentication with the app's own origin as the one trusted origin.
        Assert.Equal(true, ((Dictionary<string, object?>)site)["isSecureSiteEnabled"]);
        var origin = Assert.Single((List<object?>)((Dictionary<string, object?>)site)["trustedOrigins"]!);
        Assert.Matches(@"^https://⟨reference\(.*'api'.*\)\.outputs\.defaultHostName\.value⟩$", ArmExpression.Text(origin));

        // CloudAdapter's settings name the same identity and tenant as the bot registration.
        var settings = InfraParityTests.AppSettings(_template);
        Assert.Equal("UserAssignedMSI", settings["MicrosoftAppType"]);
        Assert.Equal(bot.Text("properties.msaAppId"), ArmExpression.Text(settings["MicrosoftAppId"]));
        Assert.NotEqual(ArmExpression.Text(settings["AzureWebJobsStorage__clientId"]), ArmExpression.Text(settings["MicrosoftAppId"]));
        Assert.Equal("⟨tenant().tenantId⟩", ArmExpression.Text(settings["MicrosoftAppTenantId"]));
    }

    [Fact]
    public void Key_vault_uses_RBAC_with_purge_protection_and_90_days_of_soft_delete()
    {
        var vault = _template.Single("Microsoft.KeyVault/vaults");
        Assert.Equal(true, vault.Evaluate("properties.enableRbacAuthorization"));
        Assert.Equal(true, vault.Evaluate("properties.enablePurgeProtection"));
        Assert.Equal(true, vault.Evaluate("properties.enableSoftDelete"));
        Assert.Equal(90L, vault.Evaluate("properties.softDeleteRetentionInDays"));
        Assert.Equal("keyvault", vault.Module);
    }

    [Fact]
    public void Easy_auth_is_off_by_default_and_on_with_the_parameter()
    {
        var off = _template.OfType("Microsoft.Web/sites/config").Single(c => c.ShortName == "authsettingsV2");
        Assert.Equal(false, off.Deployed);
        Assert.Equal("false", InfraParityTests.AppSettings(_template)["ForumCloud__EasyAuthEnabled"]);

        var on = CompiledInfra.Evaluate(new Dictionary<string, object?> { ["easyAuthEnabled"] = true, ["easyAuthClientId"] = "11111111-2222-3333-4444-555555555555" });
        var auth = on.OfType("Microsoft.Web/sites/config").Single(c => c.ShortName == "authsettingsV2");
        Assert.Equal(true, auth.Deployed);
        Assert.Equal("true", InfraParityTests.AppSettings(on)["ForumCloud__EasyAuthEnabled"]);
        Assert.Equal("ForumCloud.Staff", InfraParityTests.AppSettings(on)["ForumCloud__StaffRole"]);
        Assert.Equal(true, auth.Evaluate("properties.platform.enabled"));
        // Public and partner routes stay anonymous; the bot channel keeps its own token check.
        Assert.Equal("AllowAnonymous", auth.Evaluate("properties.globalValidation.unauthenticatedClientAction"));
        Assert.Contains("/api/messages", (List<object?>)auth.Evaluate("properties.globalValidation.excludedPaths")!);
        Assert.Equal("11111111-2222-3333-4444-555555555555", auth.Evaluate("properties.identityProviders.azureActiveDirectory.registration.clientId"));
        Assert.Contains("api://11111111-2222-3333-4444-555555555555",
            (List<object?>)auth.Evaluate("properties.identityProviders.azureActiveDirectory.validation.allowedAudiences")!);
    }

    [Fact]
    public void Outputs_give_azd_and_the_hooks_what_they_need()
    {
        var outputs = CompiledInfra.Json["outputs"]!.AsObject();
        foreach (var name in new[] { "AZURE_LOCATION", "AZURE_TENANT_ID", "AZURE_RESOURCE_GROUP", "AZURE_FUNCTION_APP_NAME", "SERVICE_API_URI", "FORUMCLOUD_BASE_URL", "APPLICATIONINSIGHTS_CONNECTION_STRING" })
        {
            Assert.True(outputs.ContainsKey(name), $"output {name} missing");
        }

        var baseUrl = ArmExpression.EvaluateNode(outputs["FORUMCLOUD_BASE_URL"]!["value"], _template.RootScope, null);
        Assert.Matches(@"^https://⟨reference\(.*'api'.*\)\.outputs\.defaultHostName\.value⟩$", ArmExpression.Text(baseUrl));
    }

    [Fact]
    public void The_resource_token_follows_the_azd_convention()
    {
        Assert.Equal("[toLower(uniqueString(subscription().id, parameters('environmentName'), parameters('location')))]",
            (string?)CompiledInfra.Json["variables"]!["resourceToken"]);
    }
}
