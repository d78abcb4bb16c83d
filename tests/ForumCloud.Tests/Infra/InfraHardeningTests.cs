using System.Text.RegularExpressions;

namespace ForumCloud.Tests.Infra;

/// <summary>
/// The hardening and the deployment variants (issue 16): audit logs, no cloud-specific host names, both
/// hosting plans, private networking and Front Door — each variant evaluated from the one compiled
/// template with its parameters, as ARM would see it.
/// </summary>
public sealed class InfraHardeningTests
{
    private const string DiagnosticType = "Microsoft.Insights/diagnosticSettings";

    private static ArmTemplate With(params (string Name, object? Value)[] parameters) =>
        CompiledInfra.Evaluate(parameters.ToDictionary(p => p.Name, p => p.Value));

    private static IEnumerable<ArmResource> Deployed(ArmTemplate template, string type) =>
        template.OfType(type).Where(r => r.Deployed == true);

    [Fact]
    public void Storage_services_and_key_vault_send_their_logs_to_the_workspace()
    {
        var template = CompiledInfra.Evaluate();
        var settings = Deployed(template, DiagnosticType).ToArray();
        var scopes = settings.Select(d => ArmExpression.Text(d.Evaluate("scope"))).ToArray();

        foreach (var service in new[] { "blobServices", "tableServices", "queueServices" })
        {
            Assert.Contains(scopes, s => Regex.IsMatch(s, $"Microsoft\\.Storage/storageAccounts/[^/]+/{service}/default"));
        }

        Assert.Contains(scopes, s => s.Contains("Microsoft.KeyVault/vaults", StringComparison.Ordinal));
        Assert.All(settings, d =>
        {
            Assert.Contains("logAnalyticsWorkspaceId", ArmExpression.Text(d.Evaluate("properties.workspaceId")));
            var logs = (List<object?>)d.Evaluate("properties.logs")!;
            Assert.Contains(logs.Cast<Dictionary<string, object?>>(), l => l["enabled"] is true && l["categoryGroup"] is "allLogs" or "audit");
        });
        Assert.Equal(4, settings.Length);
    }

    [Fact]
    public void No_bicep_file_names_a_host_of_one_azure_cloud()
    {
        // environment() gives every suffix; a literal would break Azure operated by 21Vianet (or Government).
        var literal = new Regex(@"core\.windows\.net|azurewebsites\.net|vault\.azure\.net|vaultcore\.azure\.net|database\.windows\.net|chinacloudapi\.cn|azure\.cn|usgovcloudapi\.net|login\.microsoftonline\.com|management\.azure\.com",
            RegexOptions.IgnoreCase);
        var offenders = Directory.EnumerateFiles(BicepCli.InfraDirectory, "*.bicep", SearchOption.AllDirectories)
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (file, line, i)))
            .Where(x => !x.line.TrimStart().StartsWith("//", StringComparison.Ordinal) && literal.IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(BicepCli.InfraDirectory, x.file)}:{x.i + 1}: {x.line.Trim()}")
            .ToArray();

        Assert.True(offenders.Length == 0, string.Join("\n", offenders));
        Assert.Contains(Directory.EnumerateFiles(BicepCli.InfraDirectory, "*.bicep", SearchOption.AllDirectories),
            f => File.ReadAllText(f).Contains("environment().suffixes", StringComparison.Ordinal)); // the guard reads real files
    }

    [Fact]
    public void Flex_consumption_is_the_default_plan()
    {
        var plan = CompiledInfra.Evaluate().Single("Microsoft.Web/serverfarms");
        Assert.Equal("FC1", plan.Evaluate("sku.name"));
    }

    [Fact]
    public void The_premium_plan_runs_dotnet_isolated_10_from_package_without_a_content_share()
    {
        var template = With(("hostingPlan", "premium"), ("location", "chinanorth3"));
        var plan = template.Single("Microsoft.Web/serverfarms");
        Assert.Equal("EP1", plan.Evaluate("sku.name"));
        Assert.Equal("ElasticPremium", plan.Evaluate("sku.tier"));
        Assert.Equal(true, plan.Evaluate("properties.reserved")); // Linux

        var site = template.Single("Microsoft.Web/sites");
        Assert.Equal("DOTNET-ISOLATED|10.0", site.Evaluate("properties.siteConfig.linuxFxVersion"));
        Assert.Null(site.Evaluate("properties.functionAppConfig"));

        var settings = InfraParityTests.AppSettings(template);
        Assert.Equal("dotnet-isolated", settings["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.Equal("~4", settings["FUNCTIONS_EXTENSION_VERSION"]);
        Assert.Equal("1", settings["WEBSITE_RUN_FROM_PACKAGE"]);
        // Azure Files would need a storage key; the account has shared keys disabled.
        Assert.DoesNotContain("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", settings.Keys);
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
    }

    [Theory]
    [InlineData("flex", "Microsoft.App/environments")]
    [InlineData("premium", "Microsoft.Web/serverFarms")]
    public void Private_networking_closes_storage_and_key_vault_to_the_internet(string hostingPlan, string delegation)
    {
        var template = With(("vnetEnabled", true), ("hostingPlan", hostingPlan));
        var vnet = template.Single("Microsoft.Network/virtualNetworks");
        var subnets = ((List<object?>)vnet.Evaluate("properties.subnets")!).Cast<Dictionary<string, object?>>().ToArray();
        var app = subnets.Single(s => (string?)s["name"] == "app");
        var delegations = (List<object?>)((Dictionary<string, object?>)app["properties"]!)["delegations"]!;
        Assert.Equal(delegation, ((Dictionary<string, object?>)((Dictionary<string, object?>)delegations.Single()!)["properties"]!)["serviceName"]);

        var groups = Deployed(template, "Microsoft.Network/privateEndpoints")
            .Select(e => ArmExpression.Text(((List<object?>)((Dictionary<string, object?>)((Dictionary<string, object?>)((List<object?>)e.Evaluate("properties.privateLinkServiceConnections")!)[0]!)["properties"]!)["groupIds"]!)[0]))
            .Order()
            .ToArray();
        Assert.Equal(new[] { "blob", "queue", "table", "vault" }, groups);
        Assert.Equal(4, Deployed(template, "Microsoft.Network/privateDnsZones").Count());

        Assert.Equal("Disabled", template.Single("Microsoft.Storage/storageAccounts").Evaluate("properties.publicNetworkAccess"));
        Assert.Equal("Deny", template.Single("Microsoft.Storage/storageAccounts").Evaluate("properties.networkAcls.defaultAction"));
        Assert.Equal("Disabled", template.Single("Microsoft.KeyVault/vaults").Evaluate("properties.publicNetworkAccess"));
        Assert.Contains("appSubnetId", template.Single("Microsoft.Web/sites").Text("properties.virtualNetworkSubnetId"));
        Assert.Equal(true, template.Single("Microsoft.Web/sites").Evaluate("properties.vnetRouteAllEnabled"));
    }

    [Fact]
    public void Without_vnet_nothing_private_is_created_and_public_access_stays_on()
    {
        var template = CompiledInfra.Evaluate();
        Assert.Empty(Deployed(template, "Microsoft.Network/virtualNetworks"));
        Assert.Empty(Deployed(template, "Microsoft.Network/privateEndpoints"));
        Assert.Equal("Enabled", template.Single("Microsoft.Storage/storageAccounts").Evaluate("properties.publicNetworkAccess"));
        Assert.Null(template.Single("Microsoft.Web/sites").Evaluate("properties.virtualNetworkSubnetId"));
    }

    [Fact]
    public void Front_door_limits_anonymous_writes_per_ip_and_the_app_admits_only_that_front_door()
    {
        Assert.Empty(Deployed(CompiledInfra.Evaluate(), "Microsoft.Cdn/profiles"));

        var template = With(("enableFrontDoor", true), ("frontDoorAnonymousPerMinute", 20L));
        var profile = template.Single("Microsoft.Cdn/profiles");
        Assert.Equal("Standard_AzureFrontDoor", profile.Evaluate("sku.name"));

        var waf = template.Single("Microsoft.Network/FrontDoorWebApplicationFirewallPolicies");
        Assert.Equal("Prevention", waf.Evaluate("properties.policySettings.mode"));
        Assert.Equal(429L, waf.Evaluate("properties.policySettings.customBlockResponseStatusCode"));
        var rule = (Dictionary<string, object?>)((List<object?>)waf.Evaluate("properties.customRules.rules")!).Single()!;
        Assert.Equal("RateLimitRule", rule["ruleType"]);
        Assert.Equal(20L, rule["rateLimitThreshold"]);
        Assert.Equal(1L, rule["rateLimitDurationInMinutes"]);
        Assert.Equal("SocketAddr", ((Dictionary<string, object?>)((List<object?>)rule["groupBy"]!).Single()!)["variableName"]);

        // The rule's URI pattern catches the limited routes and leaves public reads and staff routes alone.
        var conditions = ((List<object?>)rule["matchConditions"]!).Cast<Dictionary<string, object?>>().ToArray();
        var pattern = new Regex(ArmExpression.Text(((List<object?>)conditions.Single(c => (string?)c["matchVariable"] == "RequestUri")["matchValue"]!).Single()));
        foreach (var limited in new[] { "/api/events/zgc-2027/registrations", "/api/ask", "/api/directline/token", "/api/partners", "/api/registrations/confirm?x=1" })
        {
            Assert.Matches(pattern, "https://afd.example" + limited);
        }

        foreach (var open in new[] { "/api/events", "/api/events/zgc-2027", "/api/staff/events", "/api/partners/p1/cooperations", "/api/health" })
        {
            Assert.DoesNotMatch(pattern, "https://afd.example" + open);
        }

        var access = template.OfType("Microsoft.Web/sites/config").Single(c => c.ShortName == "web" && c.Deployed == true);
        Assert.Equal("Deny", access.Evaluate("properties.ipSecurityRestrictionsDefaultAction"));
        var allow = (Dictionary<string, object?>)((List<object?>)access.Evaluate("properties.ipSecurityRestrictions")!).Single()!;
        Assert.Equal("AzureFrontDoor.Backend", allow["ipAddress"]);
        Assert.Equal("ServiceTag", allow["tag"]);
        Assert.Contains("frontDoorId", ArmExpression.Text(((List<object?>)((Dictionary<string, object?>)allow["headers"]!)["x-azure-fdid"]!).Single()));
        Assert.Equal("1.2", access.Evaluate("properties.minTlsVersion")); // the config/web PUT keeps the hardening

        // The Bot Service and azd's base URL go through Front Door too.
        Assert.Contains("front-door", template.Single("Microsoft.BotService/botServices").Text("properties.endpoint"));
    }

    [Fact]
    public void The_bot_identity_has_no_role_anywhere()
    {
        var template = With(("principalId", "00000000-0000-0000-0000-00000000beef"), ("grantUserDataRoles", true));
        var principals = template.OfType("Microsoft.Authorization/roleAssignments")
            .Where(a => a.Deployed == true)
            .Select(a => a.Text("properties.principalId"))
            .ToArray();
        Assert.NotEmpty(principals);
        Assert.DoesNotContain(principals, p => p.Contains("bot-identity", StringComparison.Ordinal));
    }
}
