namespace ForumCloud.Functions.Platform;

/// <summary>
/// Every app setting the code reads. infra/ sets each of those needed in Azure (a test keeps the two
/// in step); names follow the Functions convention (`__` for nested keys).
/// </summary>
public static class SettingNames
{
    /// <summary>Storage: a connection string locally, or identity-based `__credential`/`__clientId`/`__*ServiceUri` in Azure.</summary>
    public const string Storage = "AzureWebJobsStorage";

    /// <summary>"true" when App Service Authentication (Easy Auth) is on; staff routes then also need the staff role.</summary>
    public const string EasyAuthEnabled = "ForumCloud__EasyAuthEnabled";

    /// <summary>The app role a staff member's principal must carry when Easy Auth is on.</summary>
    public const string StaffRole = "ForumCloud__StaffRole";

    /// <summary>Bot Framework authentication (CloudAdapter's configuration keys).</summary>
    public const string MicrosoftAppType = "MicrosoftAppType";
    public const string MicrosoftAppId = "MicrosoftAppId";
    public const string MicrosoftAppTenantId = "MicrosoftAppTenantId";

    /// <summary>The Direct Line secret (a Key Vault reference in Azure); exchanged server-side for tokens.</summary>
    public const string DirectLineSecret = "DirectLineSecret";

    /// <summary>Mail (SMTP). No host: mail stays pending in the outbox. Password: a Key Vault reference in Azure.</summary>
    public const string MailSmtpHost = "ForumCloud__Mail__SmtpHost";
    public const string MailSmtpPort = "ForumCloud__Mail__SmtpPort";
    public const string MailSecurity = "ForumCloud__Mail__Security";
    public const string MailFrom = "ForumCloud__Mail__From";
    public const string MailUsername = "ForumCloud__Mail__Username";
    public const string MailPassword = "ForumCloud__Mail__Password";

    /// <summary>The https origin that links in mails point at (the Function App's own URL in Azure).</summary>
    public const string PublicBaseUrl = "ForumCloud__PublicBaseUrl";

    /// <summary>Minutes an anonymous registration holds its seat (or waitlist place) until confirmed by the mailed link; default 30.</summary>
    public const string RegistrationHoldMinutes = "ForumCloud__Registrations__HoldMinutes";

    /// <summary>
    /// "verified-applicants" lets free filings of staff-verified applicants register without a person (default "off":
    /// every certificate needs a staff decision). See README "Filing applicants and certificates" for the legal caveat.
    /// </summary>
    public const string FilingsAutoRegister = "ForumCloud__Filings__AutoRegister";

    /// <summary>Retention (README "Personal data"): days after an event until its registrations are erased (default 180).</summary>
    public const string RetentionRegistrationDays = "ForumCloud__Retention__RegistrationDays";

    /// <summary>Days until a sent mail's address and bodies are erased from the outbox (default 30).</summary>
    public const string RetentionNoticeBodyDays = "ForumCloud__Retention__NoticeBodyDays";

    /// <summary>Years filings are kept as official records (default 30; shown, never purged automatically).</summary>
    public const string RetentionFilingYears = "ForumCloud__Retention__FilingYears";

    /// <summary>The server secret the idempotency record's sealed manage token is keyed with (a Key Vault reference in Azure; generated per process locally).</summary>
    public const string IdempotencySeal = "ForumCloud__Secrets__IdempotencySeal";

    public const string ApplicationInsightsConnectionString = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>`ClientId=...;Authorization=AAD`: telemetry is sent with that managed identity (Application Insights has local auth off).</summary>
    public const string ApplicationInsightsAuthenticationString = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>
    /// The IConfiguration key of an app setting: the environment-variable provider turns `__` into `:`,
    /// so `ForumCloud__EasyAuthEnabled` in Azure is read as `ForumCloud:EasyAuthEnabled`.
    /// </summary>
    public static string ConfigKey(string appSetting) => appSetting.Replace("__", ":", StringComparison.Ordinal);
}
