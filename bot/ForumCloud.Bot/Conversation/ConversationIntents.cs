using System.Text.RegularExpressions;

namespace ForumCloud.Bot.Conversation;

/// <summary>
/// What a message asks for besides a mandate answer. Every pattern runs on text already cut to 500 characters,
/// with the non-backtracking engine: its time is linear in the input, whatever the message.
/// </summary>
public static partial class ConversationIntents
{
    public static bool IsHelp(string text) => Help().IsMatch(text);

    public static bool AsksForEvents(string text) => Events().IsMatch(text);

    public static bool AsksWhenOrWhereTheForumIs(string text) => ForumWhenWhere().IsMatch(text);

    public static bool AsksToRegisterForAnEvent(string text) => EventRegistration().IsMatch(text);

    public static bool AsksToFileATechnologyContract(string text) => TechnologyFiling().IsMatch(text);

    public static bool AsksToRegisterAPartner(string text) => PartnerRegistration().IsMatch(text);

    /// <summary>A yes/no question about the commission ("does the commission issue work permits?").</summary>
    public static bool IsYesNo(string text) => YesNo().IsMatch(text);

    /// <summary>"Show the whole duty XV" (the follow-up every answer offers), or null.</summary>
    public static string? WholeSectionId(string text)
    {
        var match = WholeSection().Match(text);
        return match.Success ? match.Groups["id"].Value : null;
    }

    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

    [GeneratedRegex(@"^\s*(help|help me|\?|menu|start|帮助|菜单)\s*[.!?？！。]*\s*$", Options)]
    private static partial Regex Help();

    // "which forum events are open?", "open events", "upcoming events with seats", "活动报名" ...
    [GeneratedRegex(@"\b(events?)\b.*\b(open|upcoming|available|register|registration|seats?|sign ?up|list)\b|\b(open|upcoming|available|list)\b.*\bevents?\b|活动.*(报名|名额|开放)|(开放|报名).*活动", Options)]
    private static partial Regex Events();

    [GeneratedRegex(@"\b(when|where|what date|which date|dates?|venue|location)\b.*\bforum\b|\bforum\b.*\b(held|take place|taking place|happen|happening|dates?|venue|location|when|where)\b|论坛.*(什么时候|何时|哪里|在哪|时间|地点|举办)|(什么时候|何时|哪里|在哪).*论坛", Options)]
    private static partial Regex ForumWhenWhere();

    [GeneratedRegex(@"\b(register|registration|sign ?up|enrol|enroll|attend|tickets?|book a seat)\b.*\b(forum|events?|conference|session|plenary)\b|\b(forum|events?|conference)\b.*\b(register|registration|sign ?up|tickets?|attend)\b|(报名|参加|注册).*(论坛|活动|会议)", Options)]
    private static partial Regex EventRegistration();

    [GeneratedRegex(@"\b(file|filing|register|registration|submit|record|apply)\b.*\b(technology|tech)\b.*\b(contract|export|import|licen[cs]e)|\b(technology|tech)\b.*\b(export|import)\b.*\b(contracts?|filing|register|registration|certificate)\b|技术.*(合同|进出口|出口|进口).*(登记|备案|申请)|(登记|备案).*技术.*(合同|出口|进口)", Options)]
    private static partial Regex TechnologyFiling();

    [GeneratedRegex(@"\b(register|registration|sign ?up|become|apply|record)\b.*\b(partners?|partnership|cooperation record)\b|(注册|登记|成为).*(合作伙伴|合作机构)", Options)]
    private static partial Regex PartnerRegistration();

    [GeneratedRegex(@"^\s*(does|do|is|are|can|could|will|would|has|have|did)\b.*\b(commission|committee|administration|bureau|you|they|it|beijing)\b", Options)]
    private static partial Regex YesNo();

    [GeneratedRegex(@"^\s*(show|see|read|give me|display)?\s*(me\s+)?(the\s+)?(whole|full|entire|complete)\s+(duty|section|text)\s*(of\s+)?(?<id>intro|XX\.[1-5]|[IVX]{1,5})?\s*[.!?]*\s*$|^\s*(显示|查看)?完整(职责|条文)\s*(?<id>intro|XX\.[1-5]|[IVX]{1,5})?\s*$", Options)]
    private static partial Regex WholeSection();
}
