namespace ForumCloud.Bot.Conversation;

/// <summary>Things people come to do that the app itself does (duty XV's work), answered from the live app rather than by quoting.</summary>
public enum AppTask
{
    EventRegistration,
    ForumWhenWhere,
    TechnologyFiling,
    PartnerRegistration,
}

/// <summary>Which task a message asks about, and how to do it here (the endpoints and pages of this app).</summary>
public static class TaskRouting
{
    public static AppTask? Route(string text) =>
        ConversationIntents.AsksToFileATechnologyContract(text) ? AppTask.TechnologyFiling
        : ConversationIntents.AsksToRegisterAPartner(text) ? AppTask.PartnerRegistration
        : ConversationIntents.AsksWhenOrWhereTheForumIs(text) ? AppTask.ForumWhenWhere
        : ConversationIntents.AsksToRegisterForAnEvent(text) ? AppTask.EventRegistration
        : null;

    /// <summary>Words of duty XV's sentence that the task rests on (the answer quotes that piece).</summary>
    public static string MandateAnchor(AppTask task) => task switch
    {
        AppTask.TechnologyFiling => "technology export and technology introduction",
        AppTask.PartnerRegistration => "foreign partners",
        _ => "Zhongguancun Forum",
    };

    public static string HowTo(AppTask task, bool chinese) => (task, chinese) switch
    {
        (AppTask.EventRegistration or AppTask.ForumWhenWhere, false) =>
            "To register, send your name, email, organisation, country and role to POST /api/events/{eventId}/registrations; "
            + "you get a registration code at once and confirm your seat through the link mailed to you (a verified partner organisation can register its delegation directly). "
            + "All published events, with dates and venues: GET /api/events.",
        (AppTask.EventRegistration or AppTask.ForumWhenWhere, true) =>
            "报名方式：向 POST /api/events/{eventId}/registrations 提交姓名、电子邮箱、单位、国家或地区和身份；系统立即给出报名编号，请通过邮件中的链接确认名额（已验证的合作机构可直接为代表团报名）。"
            + "全部已发布活动及时间地点：GET /api/events。",
        (AppTask.TechnologyFiling, false) =>
            "Technology import and export contracts are filed here by the domestic enterprise: POST /api/filings with the contract, both parties "
            + "(the unified social credit code is checked), the technology and its value. You get a filing id and a status link (GET /api/filings/{filingId}). "
            + "Technologies free for import or export are registered within 3 working days; restricted ones go to a review of up to 30 working days; "
            + "the screening against the catalogue excerpt is advice for staff, not a legal classification.",
        (AppTask.TechnologyFiling, true) =>
            "技术进出口合同由境内企业在此登记：向 POST /api/filings 提交合同、双方信息（校验统一社会信用代码）、技术内容及金额，即获得登记编号和状态链接（GET /api/filings/{filingId}）。"
            + "自由进出口技术在 3 个工作日内登记；限制类技术需审查，最长 30 个工作日；目录比对结果仅供工作人员参考，不构成法律认定。",
        (AppTask.PartnerRegistration, false) =>
            "An international partner organisation (university, company, institute or agency) registers with POST /api/partners; the contact email is "
            + "verified through a mailed link before its access token works, and cooperations with the park are then recorded with POST /api/partners/{partnerId}/cooperations.",
        _ =>
            "国际合作机构（高校、企业、研究机构或政府机构）通过 POST /api/partners 注册；联系邮箱经邮件链接验证后访问令牌方可使用，之后可通过 POST /api/partners/{partnerId}/cooperations 登记与园区的合作。",
    };
}
