using System.Net;
using System.Text.Json;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace ForumCloud.Tests.Partners;

/// <summary>The answers carry the properties openapi.yaml documents for them: every required one, and no undocumented one.</summary>
public sealed class OpenApiShapeTests
{
    private static readonly Lazy<YamlMappingNode> Schemas = new(() =>
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(OpenApiDocument.Yaml));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        return (YamlMappingNode)((YamlMappingNode)root["components"])["schemas"];
    });

    [Fact]
    public async Task Partner_and_cooperation_answers_match_their_documented_schemas()
    {
        var http = await SharedRunner.ClientAsync();
        var email = TestMailbox.Address("shape");
        var registered = await Problems.JsonAsync(await http.PostAsync("api/partners", PartnerApi.Body(new
        {
            name = "Shape University", nameZh = "形状大学", country = "HK", type = "university", website = "https://shape.example.org", contactEmail = email, privacyNoticeVersion = Privacy.Consent.Version,
        })), HttpStatusCode.Accepted);
        AssertShape("PartnerPending", registered);
        var partnerId = registered.GetProperty("partnerId").GetString()!;
        var verified = await Problems.JsonAsync(await PartnerApi.VerifyAsync(http, await PartnerApi.LinkTokenAsync(email, "/api/partners/verify")), HttpStatusCode.OK);
        AssertShape("PartnerVerified", verified);
        var token = verified.GetProperty("accessToken").GetString()!;

        AssertShape("Partner", await Problems.JsonAsync(await PartnerApi.GetWithTokenAsync(http, $"api/partners/{partnerId}", token), HttpStatusCode.OK));
        AssertShape("Partner", await Problems.JsonAsync(await http.GetAsync($"api/staff/partners/{partnerId}"), HttpStatusCode.OK));

        var created = await Problems.JsonAsync(await PartnerApi.PostCooperationAsync(http, partnerId, token, PartnerApi.Cooperation()), HttpStatusCode.Created);
        AssertShape("CooperationCreated", created);
        var id = created.GetProperty("cooperationId").GetString()!;

        var moved = await Problems.JsonAsync(await PartnerApi.TransitionAsync(http, id, "under-review", 1, "Looks complete."), HttpStatusCode.OK);
        AssertShape("Cooperation", moved);
        foreach (var entry in moved.GetProperty("history").EnumerateArray()) AssertShape("CooperationHistoryEntry", entry);
        AssertShape("Cooperation", await Problems.JsonAsync(await PartnerApi.GetWithTokenAsync(http, $"api/cooperations/{id}", token), HttpStatusCode.OK));

        var page = await Problems.JsonAsync(await http.GetAsync($"api/staff/cooperations?partnerId={partnerId}"), HttpStatusCode.OK);
        AssertShape("CooperationPage", page);
        Assert.NotEmpty(page.GetProperty("items").EnumerateArray());
        foreach (var item in page.GetProperty("items").EnumerateArray()) AssertShape("CooperationSummary", item);
    }

    [Fact]
    public void Documented_enums_are_the_ones_the_api_speaks()
    {
        Assert.Equal(FieldErrors.EnumNames<ForumCloud.Functions.Partners.PartnerType>(), EnumOf("PartnerType"));
        Assert.Equal(FieldErrors.EnumNames<ForumCloud.Functions.Partners.CooperationType>(), EnumOf("CooperationType"));
        Assert.Equal(FieldErrors.EnumNames<ForumCloud.Functions.Partners.CooperationStatus>(), EnumOf("CooperationStatus"));
        Assert.Equal(FieldErrors.EnumNames<ForumCloud.Functions.Partners.ZgcPark>(), EnumOf("CooperationZgcPark"));
        Assert.Equal(FieldErrors.EnumNames<RegionCategory>(), EnumOf("PartnerRegionCategory"));
        var kind = (YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)Schema("CooperationReminder")["properties"])["kind"])["enum"];
        Assert.Equal(FieldErrors.EnumNames<ForumCloud.Functions.Partners.ReminderKind>(), kind.Children.Select(c => ((YamlScalarNode)c).Value));
    }

    private static IEnumerable<string?> EnumOf(string schema) => ((YamlSequenceNode)Schema(schema)["enum"]).Children.Select(c => ((YamlScalarNode)c).Value);

    private static YamlMappingNode Schema(string name) => (YamlMappingNode)Schemas.Value[name];

    /// <summary>Properties and required names of a schema, following allOf and $ref within components/schemas.</summary>
    private static (HashSet<string> Properties, HashSet<string> Required) Describe(string name)
    {
        var properties = new HashSet<string>(StringComparer.Ordinal);
        var required = new HashSet<string>(StringComparer.Ordinal);
        void Walk(YamlMappingNode schema)
        {
            if (schema.Children.TryGetValue("$ref", out var reference))
            {
                Walk(Schema(((YamlScalarNode)reference).Value!.Split('/')[^1]));
            }

            if (schema.Children.TryGetValue("allOf", out var allOf))
            {
                foreach (var part in ((YamlSequenceNode)allOf).Children) Walk((YamlMappingNode)part);
            }

            if (schema.Children.TryGetValue("properties", out var props))
            {
                foreach (var key in ((YamlMappingNode)props).Children.Keys) properties.Add(((YamlScalarNode)key).Value!);
            }

            if (schema.Children.TryGetValue("required", out var req))
            {
                foreach (var item in ((YamlSequenceNode)req).Children) required.Add(((YamlScalarNode)item).Value!);
            }
        }

        Walk(Schema(name));
        return (properties, required);
    }

    internal static void AssertShape(string schema, JsonElement answer)
    {
        var (properties, required) = Describe(schema);
        var actual = answer.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        Assert.True(actual.IsSubsetOf(properties), $"{schema}: undocumented {string.Join(", ", actual.Except(properties))}");
        Assert.True(required.IsSubsetOf(actual), $"{schema}: missing {string.Join(", ", required.Except(actual))}");
    }
}
