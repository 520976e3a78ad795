using System.Text;

namespace MedInsure.Parsing.Tests;

public sealed class RobustnessTests
{
    private static readonly string[] Pieces =
    [
        "社保", "医保卡", "个人账户", "报销", "。", "，", "：", "提示：本内容不能代替面诊", "相关推荐", "大家都在搜",
        "健康新闻 2025-04-28", "健康新闻 2025-13-45", "健康新闻", "首页 顶部", "496元 ", "不可以 ", "  1. ", "• ",
        "\n", "\n", "\n", "\r\n", "\r", " ", "\u3000", "\t", "e\u0301", "\uF9B5", "\uD83D\uDE00", "PK", "0",
    ];

    [Fact]
    public async Task RandomPagesNeverThrowOrHangAndAcceptedArticlesHaveTitles()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var (accepted, rejected) = await Task.Run(() => Fuzz(timeout.Token), timeout.Token);

        Assert.Equal(4000, accepted + rejected);
        Assert.True(accepted > 500, $"only {accepted} random pages were accepted");
        Assert.True(rejected > 100, $"only {rejected} random pages were rejected");
    }

    private static (int Accepted, int Rejected) Fuzz(CancellationToken token)
    {
        var random = new Random(20261123);
        var reader = new DumpReader(new DumpParserOptions { MaxArticlesPerDump = 50 });
        var accepted = 0;
        var rejected = 0;
        for (var i = 0; i < 4000; i++)
        {
            token.ThrowIfCancellationRequested();
            var bytes = (i % 4) switch
            {
                0 => RandomBytes(random),
                1 => Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(RandomText(random))).ToArray(),
                _ => Encoding.UTF8.GetBytes(RandomText(random)),
            };

            var outcomes = i % 10 == 0 ? reader.Read($"fuzz{i}", new MemoryStream(bytes)).ToList() : [reader.ReadDump($"fuzz{i}", bytes)];
            foreach (var outcome in outcomes)
            {
                if (outcome.Dump is { } dump)
                {
                    accepted++;
                    Assert.NotEmpty(dump.Articles);
                    Assert.All(dump.Articles, a => Assert.False(string.IsNullOrWhiteSpace(a.Title), $"fuzz{i}: empty title"));
                    Assert.All(dump.Articles, a => Assert.True(a.Title.Length <= 80 && !a.Title.EndsWith('。'), $"fuzz{i}: '{a.Title}' is a paragraph"));
                }
                else
                {
                    rejected++;
                    Assert.False(string.IsNullOrWhiteSpace(outcome.RejectionReason));
                }
            }
        }

        return (accepted, rejected);
    }

    private static string RandomText(Random random)
    {
        var builder = new StringBuilder();
        var count = random.Next(0, 120);
        for (var i = 0; i < count; i++)
        {
            if (random.Next(6) == 0)
            {
                builder.Append((char)random.Next(0x4E00, 0x9FA5), random.Next(1, 100));
            }
            else
            {
                builder.Append(Pieces[random.Next(Pieces.Length)]);
            }
        }

        return builder.ToString();
    }

    private static byte[] RandomBytes(Random random)
    {
        var text = Encoding.UTF8.GetBytes(RandomText(random));
        var bytes = new byte[text.Length + random.Next(0, 40)];
        text.CopyTo(bytes, 0);
        random.NextBytes(bytes.AsSpan(text.Length));
        // Flip a few bytes so valid and invalid encodings both show up.
        for (var i = random.Next(0, 3); i > 0 && bytes.Length > 0; i--)
        {
            bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
        }

        return bytes;
    }
}
