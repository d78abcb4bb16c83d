using ForumCloud.DevHost;
using ForumCloud.Functions.Platform;
using YamlDotNet.RepresentationModel;

namespace ForumCloud.Tests.Platform;

/// <summary>openapi.yaml and the functions' route attributes describe the same API.</summary>
public sealed class OpenApiParityTests
{
    private static readonly string[] Verbs = ["get", "put", "post", "delete", "patch", "head", "options"];

    [Fact]
    public void Every_http_function_is_documented_and_every_documented_route_exists()
    {
        var functions = FunctionCatalog.Discover([typeof(ForumCloudServices).Assembly])
            .Where(f => f.Trigger == TriggerKind.Http)
            .SelectMany(f => f.HttpMethods.Select(m => $"{m.ToLowerInvariant()} {Normalize(f.HttpRoute)}"))
            .ToHashSet();

        var yaml = new YamlStream();
        yaml.Load(new StringReader(OpenApiDocument.Yaml));
        var paths = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["paths"];
        var documented = paths.Children
            .SelectMany(p => ((YamlMappingNode)p.Value).Children.Keys
                .Select(k => ((YamlScalarNode)k).Value!)
                .Where(Verbs.Contains)
                .Select(verb => $"{verb} {Normalize(((YamlScalarNode)p.Key).Value!)}"))
            .ToHashSet();

        Assert.Empty(functions.Except(documented));
        Assert.Empty(documented.Except(functions));
        Assert.NotEmpty(functions);
    }

    [Fact]
    public async Task The_document_is_served_by_the_app_over_http()
    {
        var http = await ForumCloud.Tests.Infrastructure.SharedRunner.ClientAsync();
        var response = await http.GetAsync("api/openapi.yaml");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("application/yaml", response.Content.Headers.ContentType?.ToString());
        Assert.StartsWith("openapi: 3.1", await response.Content.ReadAsStringAsync());
    }

    // Route constraints (`{id:alpha}`) and optional markers are not part of an OpenAPI path.
    private static string Normalize(string route) =>
        "/" + System.Text.RegularExpressions.Regex.Replace(route.Trim('/'), @"\{([^}:?]+)[^}]*\}", "{$1}");
}
