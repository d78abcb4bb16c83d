using System.Reflection;
using ForumCloud.Functions.Platform;

namespace ForumCloud.Tests.Infra;

/// <summary>
/// The code and the Bicep agree: every table and queue the code names is created at provision, and every
/// app setting the code reads in Azure is set, with no secret in plain text.
/// </summary>
public sealed class InfraParityTests
{
    private const string TableType = "Microsoft.Storage/storageAccounts/tableServices/tables";
    private const string QueueType = "Microsoft.Storage/storageAccounts/queueServices/queues";

    // The storage setting is identity-based in Azure: these replace the AzureWebJobsStorage connection string.
    private static readonly string[] IdentityStorageSettings =
    [
        "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId",
        "AzureWebJobsStorage__blobServiceUri", "AzureWebJobsStorage__queueServiceUri", "AzureWebJobsStorage__tableServiceUri",
    ];

    [Fact]
    public void Every_table_the_code_uses_is_created_and_no_other()
    {
        var created = CompiledInfra.Evaluate().OfType(TableType).Select(t => t.ShortName).ToArray();

        Assert.Equal(TableNames.All.Order(), created.Order());
        Assert.Equal(created.Length, created.Distinct().Count());
    }

    [Fact]
    public void Every_queue_and_its_poison_queue_is_created_and_no_other()
    {
        var created = CompiledInfra.Evaluate().OfType(QueueType).Select(q => q.ShortName).ToArray();

        Assert.Equal(QueueNames.AllWithPoison.Order(), created.Order());
        Assert.All(QueueNames.All, q => Assert.Contains(QueueNames.PoisonOf(q), created));
    }

    [Fact]
    public void Tables_and_queues_are_created_unconditionally_in_the_app_storage_account()
    {
        var template = CompiledInfra.Evaluate();
        var account = template.Single("Microsoft.Storage/storageAccounts");
        foreach (var resource in template.OfType(TableType).Concat(template.OfType(QueueType)))
        {
            Assert.Equal(true, resource.Deployed);
            Assert.StartsWith(account.Text("name") + "/default/", resource.Text("name"));
        }
    }

    [Fact]
    public void Every_setting_the_code_reads_in_Azure_is_set()
    {
        var settings = AppSettings(CompiledInfra.Evaluate());
        var expected = CodeSettingNames()
            .SelectMany(name => name == SettingNames.Storage ? IdentityStorageSettings : [name])
            .ToArray();

        Assert.NotEmpty(expected);
        Assert.All(expected, name => Assert.True(settings.ContainsKey(name), $"app setting {name} is read by the code but not set by infra/"));
        Assert.DoesNotContain(SettingNames.Storage, settings.Keys); // no connection string: identity only
    }

    [Fact]
    public void The_reflection_sees_the_settings_the_code_declares()
    {
        // Guards the parity test itself: it must see the constants, not an empty list.
        var names = CodeSettingNames();
        Assert.Contains(SettingNames.DirectLineSecret, names);
        Assert.Contains(SettingNames.EasyAuthEnabled, names);
        Assert.Contains(SettingNames.MicrosoftAppId, names);
    }

    [Fact]
    public void No_app_setting_is_a_plain_text_secret()
    {
        var settings = AppSettings(CompiledInfra.Evaluate());
        foreach (var (name, value) in settings)
        {
            var text = ArmExpression.Text(value);
            Assert.DoesNotContain("AccountKey=", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("SharedAccessSignature=", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("sig=", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("InstrumentationKey=", text, StringComparison.OrdinalIgnoreCase); // only from the component, never literal
            // A list*() call (listKeys, listChannelWithKeys...) would copy a secret into the setting.
            Assert.False(System.Text.RegularExpressions.Regex.IsMatch(text, @"\blist[A-Za-z]*\("), $"{name} is computed from a list*() call: {text}");
        }

        var directLine = ArmExpression.Text(settings[SettingNames.DirectLineSecret]);
        Assert.Matches(@"^@Microsoft\.KeyVault\(SecretUri=⟨.*'bot'.*outputs\.directLineSecretUri\.value⟩\)$", directLine);
    }

    [Fact]
    public void The_smtp_password_goes_into_key_vault_and_the_app_setting_only_references_it()
    {
        var without = CompiledInfra.Evaluate();
        Assert.Equal("", ArmExpression.Text(AppSettings(without)[SettingNames.MailPassword]));
        Assert.Equal("587", ArmExpression.Text(AppSettings(without)[SettingNames.MailSmtpPort]));
        Assert.Equal("starttls", ArmExpression.Text(AppSettings(without)[SettingNames.MailSecurity]));

        var with = CompiledInfra.Evaluate(new Dictionary<string, object?> { ["smtpHost"] = "smtp.azurecomm.net", ["smtpUsername"] = "forum", ["smtpPassword"] = "s3cret-value" });
        var settings = AppSettings(with);
        Assert.Equal("smtp.azurecomm.net", ArmExpression.Text(settings[SettingNames.MailSmtpHost]));
        var password = ArmExpression.Text(settings[SettingNames.MailPassword]);
        Assert.Matches(@"^@Microsoft\.KeyVault\(SecretUri=⟨.*'mail-secret'.*outputs\.secretUri\.value⟩\)$", password);
        Assert.DoesNotContain("s3cret-value", string.Join("\n", settings.Values.Select(ArmExpression.Text)));
        Assert.Contains(with.OfType("Microsoft.KeyVault/vaults/secrets"), s => s.Deployed == true && s.Module.Contains("mail-secret"));
        Assert.DoesNotContain(without.OfType("Microsoft.KeyVault/vaults/secrets"), s => s.Deployed == true && s.Module.Contains("mail-secret"));
        Assert.Equal("securestring", CompiledInfra.Json["parameters"]!["smtpPassword"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void The_idempotency_seal_goes_into_key_vault_and_the_app_setting_only_references_it()
    {
        var template = CompiledInfra.Evaluate(new Dictionary<string, object?> { ["idempotencySeal"] = "seal-value-0123456789" });
        var setting = ArmExpression.Text(AppSettings(template)[SettingNames.IdempotencySeal]);
        Assert.Matches(@"^@Microsoft\.KeyVault\(SecretUri=⟨.*'idempotency-seal'.*outputs\.secretUri\.value⟩\)$", setting);
        Assert.Contains(template.OfType("Microsoft.KeyVault/vaults/secrets"), s => s.Deployed == true && s.Module.Contains("idempotency-seal"));
        Assert.DoesNotContain("seal-value-0123456789", string.Join("\n", AppSettings(template).Values.Select(ArmExpression.Text)));
        Assert.Equal("securestring", CompiledInfra.Json["parameters"]!["idempotencySeal"]!["type"]!.GetValue<string>());
        // azd makes it once and reads it back from the vault on every later provision.
        var parameters = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(BicepCli.InfraDirectory, "main.parameters.json")))!;
        Assert.Equal("$(secretOrRandomPassword ${AZURE_KEY_VAULT_NAME} idempotency-seal)", parameters["parameters"]!["idempotencySeal"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public void The_direct_line_secret_goes_from_the_channel_into_key_vault_only()
    {
        var template = CompiledInfra.Evaluate();
        var secret = Assert.Single(template.OfType("Microsoft.KeyVault/vaults/secrets"), s => s.Module == template.Single("Microsoft.BotService/botServices").Module);
        var value = secret.Text("properties.value");
        Assert.StartsWith("⟨coalesce(", value);
        Assert.Contains("tryGet(tryGet(tryGet(listChannelWithKeys(resourceId('Microsoft.BotService/botServices/channels', parameters('name'), 'DirectLineChannel')", value);
        Assert.Contains("'setting'), 'sites', 0), 'key')", value);
        Assert.Contains("'properties'), 'properties'), 'sites', 0), 'key')", value);
        Assert.Equal(secret.Module, template.Single("Microsoft.BotService/botServices").Module);

        // No template output carries a secret (outputs-should-not-contain-secrets covers Bicep; this covers the ARM).
        foreach (var resource in template.Resources.Where(r => r.Type == "Microsoft.Resources/deployments"))
        {
            var outputs = resource.Node["properties"]!["template"]!["outputs"]?.ToJsonString() ?? "";
            Assert.DoesNotMatch(@"list[A-Za-z]*\(", outputs);
        }

        Assert.DoesNotMatch(@"list[A-Za-z]*\(", CompiledInfra.Json["outputs"]!.ToJsonString());
    }

    internal static Dictionary<string, object?> AppSettings(ArmTemplate template) =>
        template.OfType("Microsoft.Web/sites/config").Single(c => c.ShortName == "appsettings").Object("properties");

    private static string[] CodeSettingNames() =>
        typeof(SettingNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToArray();
}
