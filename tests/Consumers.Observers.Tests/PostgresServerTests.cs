using Consumers.Tests.Databases;

namespace Consumers.Observers.Tests;

/// <summary>How the tests find PostgreSQL's binaries, and what they say when there are none.</summary>
[TestFixture]
public sealed class PostgresServerTests
{
    [Test]
    public void Binaries_AreFoundInDebiansVersionedFolder_TheNewestFirst_WhenNotOnThePath()
    {
        var root = Directory.CreateTempSubdirectory("consumers-pg-layout-").FullName;
        try
        {
            foreach (var version in new[] { "9", "15", "13" })
            {
                Directory.CreateDirectory(Path.Combine(root, version, "bin"));
                File.WriteAllText(Path.Combine(root, version, "bin", "initdb"), "");
            }

            Assert.That(PostgresServer.FindBinaries(path: "", libRoot: root), Is.EqualTo(Path.Combine(root, "15", "bin")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public void NoBinaries_FindsNothing_AndTheTestsSayHowToInstallThem()
    {
        var empty = Directory.CreateTempSubdirectory("consumers-pg-none-").FullName;
        try
        {
            Assert.Multiple(() =>
            {
                Assert.That(PostgresServer.FindBinaries(path: empty, libRoot: Path.Combine(empty, "missing")), Is.Null);
                Assert.That(PostgresServer.NotFoundMessage, Does.Contain("apt-get install -y postgresql"));
            });
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }
}
