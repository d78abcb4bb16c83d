using System.Text.RegularExpressions;

namespace ForumCloud.Bot.Knowledge;

/// <summary>
/// Whether an English question asks for a practical detail or a personal service the mandate can never give, whatever
/// its subject: a person's or an office's phone number, email, WeChat, fax or website, or an official's name; an office's
/// address, floor, the way there or its parking; opening hours and closing days; a price, fee, rent, tuition or salary; job openings
/// and internships; buying shares, a stock's price or investing one's own money; somewhere to stay; a tourist visa;
/// sights to see; a person's own tax, legal or medical matter. The subject of such a question is often on-topic ("the
/// director's phone number", "the foreign experts office's opening hours", "shares of a Zhongguancun company"), so the
/// dense and coverage evidence alone answers it; this cue is one more feature of the refusal's calibration
/// (<see cref="ConfidenceFeatures.PracticalDetail"/>), weighed by `calibrate` like the others. Asking how to reach the
/// commission about its work ("how do I contact the commission about a technology export contract?", "which department
/// do I phone about import rules?", "where do I register for the forum?", "is the commission open to proposals?") is no
/// practical detail: "contact", "phone" as a verb, "where", "register" and "open to" never match. Every pattern runs on
/// the question already cut to 500 characters, with a 50 ms timeout.
/// </summary>
public static partial class PracticalDetails
{
    /// <summary>The kind of detail the question asks for, or null.</summary>
    public static string? Asked(string question) =>
        FirstKind(English, question) ?? (GlossaryMatcher.HasChinese(question) ? FirstKind(Chinese, question) : null);

    private static readonly (Func<Regex> Pattern, string Kind)[] English =
    [
        (ContactDetails, "contact details"), (OpeningHours, "opening hours"), (Whereabouts, "address"), (Prices, "price"),
        (Jobs, "job openings"), (Shares, "shares"), (Lodging, "lodging"), (TouristVisa, "tourist visa"),
        (Sightseeing, "sightseeing"), (PersonalAdvice, "personal advice"), (PersonalPaperwork, "personal paperwork"),
        (History, "history"), (OtherCities, "another city's office"), (DailyLife, "daily life"),
    ];

    /// <summary>
    /// The same kinds asked in Chinese, plus what Chinese questions about the commission ask most often besides its
    /// duties: another city's science office, the commission's history, daily life in Zhongguancun, and writing an
    /// application for someone. A Chinese question's section comes from the glossary, which names its terms'
    /// sections outright, so for it this cue refuses on its own (<see cref="MandateAnswerer"/>).
    /// </summary>
    private static readonly (Func<Regex> Pattern, string Kind)[] Chinese =
    [
        (ChineseContact, "contact details"), (ChineseHours, "opening hours"), (ChineseWhereabouts, "address"),
        (ChinesePrices, "price"), (ChineseJobs, "job openings"), (ChineseShares, "shares"),
        (ChineseLodgingAndSights, "lodging"), (ChinesePersonalMatters, "personal advice"),
        (ChineseOtherPlaces, "another city's office"), (ChineseHistory, "history"), (ChineseDailyLife, "daily life"),
    ];

    private static string? FirstKind((Func<Regex> Pattern, string Kind)[] cues, string question)
    {
        foreach (var (pattern, kind) in cues)
        {
            if (Matches(pattern(), question)) return kind;
        }

        return null;
    }

    private static bool Matches(Regex pattern, string question)
    {
        try
        {
            return pattern.IsMatch(question);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    // Source-generated backtracking with a timeout rather than the non-backtracking engine, which built ~25 MB of automata
    // for these patterns and ~200 ms of start-up. On at most 500 characters they backtrack little; a question that ever
    // hit the timeout counts as asking no practical detail.
    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;
    private const int TimeoutMs = 50;

    // phone / telephone / mobile / cell / fax / hotline numbers, email and WeChat, "contact details", a website
    [GeneratedRegex(@"\b(tele)?phone\s+(numbers?|no)\b|\b(mobile|cell|fax|contact|hotline)\s+(numbers?|no)\b|\bnumber\s+(of|for)\s+(the|his|her|their)\s+(director|head|chairman|person|official|officer|secretary|office)\b|\b(call|ring|phone|text)\s+(him|her|them|the\s+(director|head|chairman|official|office))\b|\bfax\b|\bhotline\b|\be-?mail\s+(address(es)?|of|for)\b|\b(his|her|their|personal|private)\s+e-?mail\b|\bwe-?chat\b|\bwho\s+is\s+(the\s+)?(current\s+|new\s+)?(director|chairman|chairwoman|head|leader|boss|president|minister|party\s+secretary)\s+of\s+(the\s+)?([\w&'-]+\s+){0,6}(commission|committee|administration|bureau|office|department)\b|\b(name|names)\s+of\s+(the\s+)?(current\s+)?(director|chairman|head|leader|officials?|staff)\b|\bmeet\s+(the\s+)?(director|chairman|head|minister)\b|\bwhatsapp\b|\bcontact\s+(details|info|information)\b|\bweb\s?site\b|\burl\b", Options, TimeoutMs)]
    private static partial Regex ContactDetails();

    // opening hours, when a place opens or closes, which days it is open
    [GeneratedRegex(@"\b(opening|office|business|working|visiting|service)\s+(hours|times?)\b|\bopen\s+(on|at|until|till|today|tomorrow|now|late|during|over)\b|\b(until|till)\s+what\s+time\b|\bwhat\s+time\b.*\b(opens?|closes?|closed|open)\b|\b(closes?|closed)\s+(on|at|for|during|over)\b|\b(when|is|are|does|do)\s+(the\s+|its\s+|their\s+)?(\w+\s+){0,4}(office|offices|bureau|desk|counter|hall|centre|center|window|reception|commission|committee|administration|building|library|museum|shop|store|mall|bank|it|they)\s+(open|opens|close|closes|closed)(\s*[?.!]*\s*$|\s+(on|at|during|over|until|till|today|tonight|tomorrow|now|late|early|every|daily|this|next|for\s+lunch|for\s+the\s+holidays?)\b)|\bhow\s+late\b.*\bopen\b|\blunch\s+break\b|\bon\s+(saturdays?|sundays?|weekends?|public\s+holidays?)\b", Options, TimeoutMs)]
    private static partial Regex OpeningHours();

    // an address, a floor or room, which exit, how to get there, where to park
    [GeneratedRegex(@"\b(street|postal|mailing|office|exact)\s+address\b|\baddress\s+(of|for)\b|\bwhat('s|\s+is)\s+(the|their|its|your)\s+address\b|\bthe\s+address\b|\bwhich\s+(floor|room|building|entrance|gate|exit)\b|\b(subway|metro)\s+exit\b|\bwhere\s+is\b.*\blocated\b|\bpark\s+(my|our|the|a)\s+(car|bike|vehicle)\b|\bparking\b|\b(which|what)\s+(bus|subway|metro|train)(\s+line)?\s+(goes|go|runs|stops)\b|\bhow\s+(do|can)\s+(i|we)\s+get\s+to\s+(the|a|an|your|their|its)\b", Options, TimeoutMs)]
    private static partial Regex Whereabouts();

    // a price: what something costs, fees, tuition, rent, cheap or expensive, salaries ("the costs of research" is no price asked)
    [GeneratedRegex(@"\bhow\s+much\b.*\bcosts?\b|\bwhat\s+(does|do|would|will|did)\b.*\bcost\b|\b(does|do|would|will)\s+(it|they|that|this)\s+cost\b|\bcosts?\s*[?.!]*\s*$|\bcosts?\s+(per|a|an|each)\s+(month|night|year|day|week|person|hour)\b|\bprices?\b|\bpriced\b|\bfees?\b|\btuition\b|\b(monthly|office|the|pay|paying)\s+rent\b|\brent\s+(an?|the|my|our)\b|\brents\b|\brental\b|\bcheap(er|est|ly)?\b|\b(how|too|very|is\s+it|are\s+they)\s+expensive\b|\baffordable\b|\bhow\s+much\s+(is|are)\s+(a|an|the|it|one)\b|\bhow\s+much\s+for\b|\bhow\s+much\s+(do|does|did|can|will|would)\b.*\b(earn|earns|make|makes|charge|charges|get\s+paid)\b|\b(what|average|typical|starting|monthly|annual|good)\s+(is\s+the\s+)?salar(y|ies)\b|\bsalar(y|ies)\s+(of|for)\s+(a|an)\b|\bwages?\b", Options, TimeoutMs)]
    private static partial Regex Prices();

    // job openings and vacancies, hiring, applying for a job
    [GeneratedRegex(@"\bjobs?\s+(openings?|vacanc(y|ies)|offers?|ads?|adverts?|postings?|at|in)\b|\bvacanc(y|ies)\b|\bhiring\b|\bopenings?\s+(at|in|for)\b|\bapply\s+for\s+a\s+job\b|\binterns(hips?)?\b|\binternships?\b|\bjob\s+applications?\b", Options, TimeoutMs)]
    private static partial Regex Jobs();

    // buying shares or stock, share and stock prices, dividends, investing one's own money
    [GeneratedRegex(@"\b(buy|buying|bought|purchase|purchasing|sell|selling|trade|trading)\b.*\b(shares|stocks?|equity|securities)\b|\b(shares|stocks?)\b.*\b(buy|sell)\b|\bshares\s+(of|in)\b|\b(share|stock)\s+(prices?|market|exchange|tips?)\b|\bdividends?\b|\binvest(ing)?\s+(my\s+\w+\s+)?in\s+(a\s+|the\s+|some\s+)?(\w+\s+){0,3}(compan(y|ies)|start-?ups?|firms?|stocks?)\b|\binvest(ing)?\s+(my|our|his|her)\s+(own\s+)?(savings|money|pension)\b|\bmy\s+(savings|retirement|pension)\b|\bbrokerage\b", Options, TimeoutMs)]
    private static partial Regex Shares();

    // somewhere to stay: hotels, hostels, guesthouses, serviced apartments
    [GeneratedRegex(@"\b(hotels?|hostels?|motels?|guest\s?houses?|b&b|airbnb|accommodations?|lodging)\b|\bserviced\s+apartments?\b|\bplaces?\s+to\s+(stay|sleep)\b|\bwhere\s+(should|can|could|do)\s+(i|we)\s+(stay|sleep)\b|\broom\s+for\s+the\s+night\b", Options, TimeoutMs)]
    private static partial Regex Lodging();

    // a visit's own visa (not a foreign expert's work programme): tourist and visitor visas, visa on arrival, extending one
    [GeneratedRegex(@"\b(tourist|visitor|visit|travel|transit|l)\s+visas?\b|\bvisas?\s+(on\s+arrival|extensions?|free)\b|\bvisa-free\b|\bextend\s+(my|a|the|our)\s+(tourist\s+)?visa\b|\bneed\s+a\s+visa\s+to\s+(visit|travel|enter)\b", Options, TimeoutMs)]
    private static partial Regex TouristVisa();

    // sights to see
    [GeneratedRegex(@"\b(sights|sightseeing|tourist\s+attractions?|must-see|worth\s+(a\s+)?visit(ing)?)\b", Options, TimeoutMs)]
    private static partial Regex Sightseeing();

    // a person's own tax, legal or medical matter
    [GeneratedRegex(@"\b(income|personal)\s+tax(es)?\b|\btax\s+(returns?|deductions?|refunds?|rates?|advice|bill)\b|\blawyers?\b|\battorneys?\b|\blegal\s+(advice|rights|aid|help)\b|\bmy\s+(legal\s+)?rights\b|\b(doctors?|dentists?|clinics?|hospitals?|pharmac(y|ies)|emergency\s+rooms?)\b|\b(toothache|fever|sore\s+throat|injur(y|ed)|broke\s+my)\b|\bmedical\s+(insurance|treatment|advice|care)\b", Options, TimeoutMs)]
    private static partial Regex PersonalAdvice();

    // 电话, 联系方式, 邮箱, 微信号, 官网 and who holds an office now or did before.
    [GeneratedRegex(@"电话|手机号|联系方式|联系人是谁|邮箱|传真|微信号|公众号|热线|官网|网址|(主任|局长|书记|领导|负责人)(是谁|叫什么)|谁是(现任)?(主任|局长|书记|领导)|现任.{0,8}(主任|局长|书记|领导)|历任", Options, TimeoutMs)]
    private static partial Regex ChineseContact();

    [GeneratedRegex(@"几点(上班|下班|办公)|(营业|办公|上班|工作|开放|接待)时间|(周末|节假日|周六|周日|星期天)(上班|办公|开放)|开门|关门", Options, TimeoutMs)]
    private static partial Regex ChineseHours();

    // An address or the way there; "where does the commission work on X" is not asked this way.
    [GeneratedRegex(@"地址|办公地点|在哪(里|儿)?办公|怎么(走|坐车)|坐(几路|地铁|公交)|地铁|公交|几号线|停车", Options, TimeoutMs)]
    private static partial Regex ChineseWhereabouts();

    [GeneratedRegex(@"多少钱|价格|价钱|门票|房租|租金|房价|工资|薪水|薪资|待遇|月薪|年薪|预算.{0,12}多少|多少亿", Options, TimeoutMs)]
    private static partial Regex ChinesePrices();

    [GeneratedRegex(@"招聘|招人|在招|招公务员|公务员考试|考公|考编|实习生?|求职|应聘|岗位空缺", Options, TimeoutMs)]
    private static partial Regex ChineseJobs();

    [GeneratedRegex(@"股票|股价|炒股|买股|股份|概念股|理财|基金定投", Options, TimeoutMs)]
    private static partial Regex ChineseShares();

    [GeneratedRegex(@"酒店|宾馆|住宿|民宿|旅游|景点|好玩|游玩|打卡|高铁|火车票|机票|车票|签证|续签|居留许可", Options, TimeoutMs)]
    private static partial Regex ChineseLodgingAndSights();

    // One's own court case, tax, health or paperwork, and writing a text for someone (an application, a thesis): "how do I
    // write" alone is no cue, for "技术进口合同怎么写" asks about the contracts the commission registers.
    [GeneratedRegex(@"起诉|法院|打官司|律师|投诉|报警|被坑|个税|个人所得税|关税|报关|看病|医院|挂号|帮我写|代写|替我写|给我写|请写一份|(申请书|申报书|论文|作文|简历|文章|计划书|报告|稿子|诗)[^，。？?]{0,6}怎么写", Options, TimeoutMs)]
    private static partial Regex ChinesePersonalMatters();

    [GeneratedRegex(@"(上海|深圳|广州|杭州|南京|武汉|成都|重庆|苏州|西安|合肥|天津|江苏|浙江|广东|山东|河北)(市|省)?的?(科委|科技局|科技厅|科学技术委员会|科学技术局)", Options, TimeoutMs)]
    private static partial Regex ChineseOtherPlaces();

    [GeneratedRegex(@"哪一?年成立|成立于|成立时间|什么时候成立|历史沿革", Options, TimeoutMs)]
    private static partial Regex ChineseHistory();

    [GeneratedRegex(@"餐厅|饭店|饭馆|美食|好吃|吃饭|外卖|咖啡|奶茶|天气|气温|下雨|电影|购物|商场|便宜|买手机|买电脑|电子市场|健身|买房|租房|学区|幼儿园|户口|落户|社保|公积金|驾照|车牌|摇号", Options, TimeoutMs)]
    private static partial Regex ChineseDailyLife();

    // One's own permits, accounts and company papers, a court case, or a check of one's own work.
    [GeneratedRegex(@"\b(residence|work|driving|parking)\s+permits?\b.*\b(renew|renewal|extend|expired?|expiring|apply|get)\b|\b(renew|extend)\s+(my|a|our)\s+(residence|work)\s+permit\b|\bbank\s+accounts?\b|\bdriv(ing|er'?s)\s+licen[cs]es?\b|\bbusiness\s+licen[cs]es?\b|\bregister\s+(a|my|our|the)\s+(new\s+)?(company|business|firm)\b|\b(sue|suing|lawsuit)\b|\bwhich\s+court\b|\bplagiarism\s+check\b|\b(check|proofread|review|write)\s+my\s+(thesis|paper|essay|application|proposal)\b", Options, TimeoutMs)]
    private static partial Regex PersonalPaperwork();

    // The commission's own history: when it was founded, who led it before.
    [GeneratedRegex(@"\bwhen\s+was\b.*\b(founded|established|set\s+up|created)\b|\b(past|former|previous)\s+(heads|directors|chairm[ae]n|leaders)\b|\bhistory\s+of\s+the\s+(commission|committee)\b", Options, TimeoutMs)]
    private static partial Regex History();

    // Another city's science office or park: the mandate is Beijing's.
    [GeneratedRegex(@"\b(shenzhen|shanghai|guangzhou|hangzhou|nanjing|wuhan|chengdu|chongqing|suzhou|xi'an|hefei)('s)?\s+([\w-]+\s+){0,3}(science\s+park|high-tech\s+(zone|park)|science\s+(commission|bureau)|technology\s+(commission|bureau))\b", Options, TimeoutMs)]
    private static partial Regex OtherCities();

    // Daily life on arrival: a SIM card, a VPN, the weather, a pool or gym, a meal, the way from the airport.
    [GeneratedRegex(@"\bsim\s+cards?\b|\bvpns?\b|\bweather\b|\bhow\s+(cold|hot|warm|humid)\s+(is|does|gets?)\b|\bswimming\s+pools?\b|\bgyms?\b|\brestaurants?\b|\bcaf(e|é)s?\b|\bcoffee\s+shops?\b|\bfrom\s+the\s+airport\b", Options, TimeoutMs)]
    private static partial Regex DailyLife();
}
