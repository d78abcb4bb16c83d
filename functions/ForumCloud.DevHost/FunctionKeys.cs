using System.Security.Cryptography;
using System.Text;
using ForumCloud.Functions.Platform;
using Microsoft.Azure.Functions.Worker;

namespace ForumCloud.DevHost;

/// <summary>
/// Function keys as the Functions host checks them: a key in the `x-functions-key` header or the
/// `code` query parameter, compared in constant time. The runner has one key, read from
/// <see cref="Setting"/> (the variable the end-to-end tests already send to a deployed app) or, when
/// unset, generated for this start only. It stands in for both the function keys and the master key, so
/// it opens Function- and Admin-level routes and `/admin/*`.
/// </summary>
public sealed class FunctionKeys
{
    public const string Setting = "FORUMCLOUD_FUNCTION_KEY";
    public const string Header = "x-functions-key";
    public const string QueryParameter = "code";

    private readonly byte[] _key;

    private FunctionKeys(string key, bool generated)
    {
        Key = key;
        Generated = generated;
        _key = Encoding.UTF8.GetBytes(key);
    }

    /// <summary>The key clients must present.</summary>
    public string Key { get; }

    /// <summary>True when no key was configured and this one was made for this start.</summary>
    public bool Generated { get; }

    public static FunctionKeys FromConfiguration(IConfiguration configuration) =>
        configuration[Setting] is { Length: > 0 } configured ? new FunctionKeys(configured, generated: false) : new FunctionKeys(Secrets.NewToken(), generated: true);

    /// <summary>Anonymous routes need nothing; every other level (Function, Admin, System) needs the key, as in Azure.</summary>
    public static bool Required(AuthorizationLevel level) => level != AuthorizationLevel.Anonymous;

    public bool Presented(HttpRequest request)
    {
        var presented = request.Headers[Header].FirstOrDefault() ?? request.Query[QueryParameter].FirstOrDefault();
        return presented is { Length: > 0 and <= 256 } && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _key);
    }
}
