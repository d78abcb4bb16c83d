using ForumCloud.Bot.Knowledge;

namespace ForumCloud.Tests.Mandate;

/// <summary>
/// The practical-detail cue (an official's phone number, an office's opening hours or address, a price, job openings,
/// shares, somewhere to stay, a tourist visa, sights, a person's own tax, legal or medical matter) and what the
/// calibration does with it: near-topic questions whose subject is on-topic are refused, the questions beside them that
/// ask about the commission's work are answered.
/// </summary>
public sealed class PracticalDetailsTests
{
    [Theory]
    [InlineData("What's the director's phone number?", "contact details")]
    [InlineData("could you give me the WeChat of the official in charge of the forum", "contact details")]
    [InlineData("who is the current director of the science commission", "contact details")]
    [InlineData("what are the opening hours of the foreign experts office", "opening hours")]
    [InlineData("When is the visa office open?", "opening hours")]
    [InlineData("is the Zhongguancun committee open on Saturdays", "opening hours")]
    [InlineData("what is the street address of the commission", "address")]
    [InlineData("how much does a desk in a coworking space cost per month", "price")]
    [InlineData("how much is the tuition for a master's degree", "price")]
    [InlineData("are companies in the park hiring engineers", "job openings")]
    [InlineData("how can I buy shares in a Zhongguancun company", "shares")]
    [InlineData("I'd like to invest my savings in a tech start-up", "shares")]
    [InlineData("any good hotels near the science park", "lodging")]
    [InlineData("can I extend my tourist visa in Beijing", "tourist visa")]
    [InlineData("what sights are worth visiting near Zhongguancun", "sightseeing")]
    [InlineData("I need a lawyer for my lease", "personal advice")]
    public void A_practical_detail_is_recognised_whatever_the_subject(string question, string kind) =>
        Assert.Equal(kind, PracticalDetails.Asked(question));

    [Theory]
    [InlineData("How do I contact the commission about a technology export contract?")]
    [InlineData("where do I register for the forum")]
    [InlineData("Does the commission issue visas for foreign experts?")]
    [InlineData("Which department do I phone about technology import rules?")]
    [InlineData("whom should I email about an international science cooperation proposal")]
    [InlineData("Is the commission open to proposals from foreign universities?")]
    [InlineData("open competition mechanism for projects")]
    [InlineData("who covers the costs of big science infrastructure in Beijing")]
    [InlineData("do scientists get a share of the rights in their inventions")]
    [InlineData("does the commission invest public money in science and technology")]
    [InlineData("how are scientists' salaries and incentives linked to their evaluation")]
    [InlineData("who is in charge of the office for the international innovation center")]
    public void Asking_about_the_commissions_work_is_no_practical_detail(string question) =>
        Assert.Null(PracticalDetails.Asked(question));

    [Theory]
    [InlineData("What's the director's phone number?")]
    [InlineData("When is the visa office open?")]
    [InlineData("I'd like to buy shares in a Zhongguancun company")]
    [InlineData("Is there a cheap hotel close to the science park?")]
    [InlineData("what is the email address of the person responsible for foreign experts")]
    [InlineData("what is the exact address of the Zhongguancun Administrative Committee")]
    public void Near_topic_practical_questions_are_refused(string question)
    {
        var answer = MandateKnowledgeTests.Answerer.Value.Ask(question);
        Assert.False(answer.Answered, $"answered from {string.Join(",", answer.Sources.Select(s => s.Section))}");
        Assert.Equal(1, answer.Features!.PracticalDetail);
    }

    [Theory]
    [InlineData("How do I contact the commission about a technology export contract?", "XV")]
    [InlineData("Does the commission help overseas scientists come to work in Beijing?", "XII")]
    [InlineData("who sets policy on science and technology finance", "VII")]
    [InlineData("who helps start-ups in Zhongguancun with intellectual property", "XVII")]
    public void The_genuine_questions_beside_them_are_answered(string question, string section)
    {
        var answer = MandateKnowledgeTests.Answerer.Value.Ask(question);
        Assert.True(answer.Answered);
        Assert.Contains(section, answer.Sources.Select(s => s.Section));
        Assert.Equal(0, answer.Features!.PracticalDetail);
    }

    [Theory]
    [InlineData("中关村管委会的电话是多少")]
    [InlineData("外专局周六开门吗")]
    [InlineData("中关村论坛期间附近的酒店怎么订")]
    [InlineData("深圳市科技局的高企认定怎么申请")]
    [InlineData("科委的工作人员待遇好不好")]
    [InlineData("帮我写一份申报北京科技项目的申请书")]
    [InlineData("高新技术企业认定的申请书怎么写")]
    public void Chinese_practical_questions_are_refused_in_chinese_though_the_glossary_names_a_duty(string question)
    {
        var answer = MandateKnowledgeTests.Answerer.Value.Ask(question);
        Assert.False(answer.Answered, $"answered from {string.Join(",", answer.Sources.Select(s => s.Section))}");
        Assert.True(answer.Chinese);
        Assert.Equal(1, answer.Features!.PracticalDetail);
    }

    [Theory]
    [InlineData("技术进出口合同找哪个部门", "XV")]
    [InlineData("技术进口合同怎么写", "XV")]
    [InlineData("我想写一份技术出口合同，需要登记吗", "XV")]
    [InlineData("外国专家来北京工作归谁管", "XII")]
    [InlineData("中关村的创业企业知识产权问题谁来服务", "XVII")]
    public void Chinese_questions_about_the_work_beside_them_are_answered(string question, string section)
    {
        var answer = MandateKnowledgeTests.Answerer.Value.Ask(question);
        Assert.True(answer.Answered);
        Assert.Equal(section, answer.Sources[0].Section);
    }

    [Fact]
    public void The_calibration_weighs_a_practical_detail_against_answering()
    {
        var weights = MandateSeeds.Load().Calibration;
        Assert.True(weights.GetValueOrDefault("practicalDetail") < -3, $"practicalDetail weighs {weights.GetValueOrDefault("practicalDetail")}");
    }
}
