namespace Consumers.Chat.Tests;

/// <summary>
/// Two chat processes on one SQLite file, started together as <c>build/run-chat.sh --nats</c> starts them: they make
/// one sign-in key between them (in the keys folder beside the file), so a cookie or token of one node is good on the
/// other from the start.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class SqliteNodesTests
{
    [Test]
    public async Task TwoNodesStartedTogether_MakeOneKey_AndAcceptEachOthersTokens()
    {
        var folder = Directory.CreateTempSubdirectory("chat-sqlite-nodes-").FullName;
        var database = Path.Combine(folder, "chat.db");
        try
        {
            var (a, b) = await ChatApp.StartTogetherAsync(() => ChatApp.StartAsync(database));
            await using (a)
            await using (b)
            {
                using var httpA = a.CreateHttpClient();
                using var httpB = b.CreateHttpClient();
                var token = await ChatAccounts.RegisterAsync(httpA, "sia");

                Assert.Multiple(async () =>
                {
                    Assert.That(Directory.GetFiles(Path.Combine(folder, "keys"), "key-*.xml"), Has.Length.EqualTo(1), "one key, made by the first node and read by the other");
                    Assert.That(await ChatAccounts.MeAsync(httpB, bearer: token), Is.EqualTo(System.Net.HttpStatusCode.OK), "node A's token at node B");
                });
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
