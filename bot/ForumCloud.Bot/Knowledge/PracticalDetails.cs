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
    public static string? Asked(string question)
    {
        if (Matches(ContactDetails(), question)) return "contact details";
        if (Matches(OpeningHours(), question)) return "opening hours";
        if (Matches(Whereabouts(), question)) return "address";
        if (Matches(Prices(), question)) return "price";
        if (Matches(Jobs(), question)) return "job openings";
        if (Matches(Shares(), question)) return "shares";
        if (Matches(Lodging(), question)) return "lodging";
        if (Matches(TouristVisa(), question)) return "tourist visa";
        if (Matches(Sightseeing(), question)) return "sightseeing";
        if (Matches(PersonalAdvice(), question)) return "personal advice";
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
}
