using System.Net;
using ForumCloud.Functions.Mandate;
using Microsoft.Extensions.Logging.Abstractions;

namespace ForumCloud.Tests.Mandate;

/// <summary>The Direct Line exchange, against a stand-in for directline.botframework.com (a seam that cannot be real in tests).</summary>
public sealed class DirectLineTokenTests
{
    private sealed class DirectLineStandIn : HttpMessageHandler
    {
        public HttpRequestMessage? Seen { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Seen = request;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("""{"conversationId":"conv-1","token":"dl-token","expires_in":3600}"""),
            });
        }
    }

    [Fact]
    public async Task The_secret_goes_only_to_direct_line_and_the_caller_gets_a_token()
    {
        var standIn = new DirectLineStandIn();
        var tokens = new DirectLineTokens("the-secret", NullLogger<DirectLineTokens>.Instance, standIn);

        var token = await tokens.GenerateAsync(CancellationToken.None);

        Assert.Equal(new DirectLineToken("dl-token", "conv-1", 3600), token);
        Assert.Equal(DirectLineTokens.GenerateUri, standIn.Seen!.RequestUri);
        Assert.Equal("Bearer the-secret", standIn.Seen.Headers.Authorization!.ToString());
        Assert.DoesNotContain("the-secret", token.ToString());
    }

    [Fact]
    public void Without_a_secret_direct_line_is_not_configured() =>
        Assert.False(new DirectLineTokens(null, NullLogger<DirectLineTokens>.Instance).Configured);
}
