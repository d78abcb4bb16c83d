namespace ForumCloud.Functions.Mandate;

/// <summary>
/// The Web Chat bundle (botframework-webchat's dist/webchat.js), copied into the build output by MSBuild from
/// node_modules when it is there. Without it the chat page uses its own small UI.
/// </summary>
public sealed class WebChatAssets
{
    public string BundlePath { get; } = Path.Combine(AppContext.BaseDirectory, "webchat", "webchat.js");

    public bool HasBundle => File.Exists(BundlePath);
}
