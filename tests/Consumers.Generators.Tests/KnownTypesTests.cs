using System.Reflection;
using Consumers.Generators.Parsing;
using Consumers.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Consumers.Generators.Tests;

/// <summary>The known-types table: one per compilation, every name it spells resolves, and symbols compare by identity.</summary>
[TestFixture]
public sealed class KnownTypesTests
{
    private static readonly PropertyInfo[] s_symbols = [.. typeof(KnownTypes)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.PropertyType == typeof(INamedTypeSymbol))];

    [Test]
    public void OneCompilation_HasOneTable_AndAnotherCompilationItsOwn()
    {
        var compilation = GeneratorHarness.CreateCompilation("namespace Chat; public sealed class A;");
        var next = compilation.AddSyntaxTrees(GeneratorHarness.Parse("namespace Chat; public sealed class B;", "B.cs"));
        var first = KnownTypes.For(compilation);
        Assert.Multiple(() =>
        {
            Assert.That(KnownTypes.For(compilation), Is.SameAs(first));
            Assert.That(KnownTypes.For(next), Is.Not.SameAs(first));
        });
    }

    [Test]
    public void EveryKnownType_ResolvesInAnApplicationReferencingTheRuntime()
    {
        var known = KnownTypes.For(GeneratorHarness.CreateCompilation("namespace Chat; public sealed class A;"));
        Assert.That(s_symbols, Has.Length.GreaterThan(40), "the table's symbol properties");
        Assert.Multiple(() =>
        {
            foreach (var property in s_symbols)
            {
                Assert.That(property.GetValue(known), Is.Not.Null, $"KnownTypes.{property.Name} did not resolve: its metadata name is misspelt");
            }
        });
        Assert.That(known.Consumer!.ContainingAssembly.Name, Is.EqualTo(typeof(Consumers.Consumer).Assembly.GetName().Name));
    }

    [Test]
    public void WithoutTheRuntime_ItsTypesAreNull_AndNothingDerivesFromThem()
    {
        var corlib = MetadataReference.CreateFromFile(typeof(object).Assembly.Location);
        var compilation = CSharpCompilation.Create("Bare", [GeneratorHarness.Parse("namespace Consumers { public class Consumer {} } namespace Chat { public class Lobby : Consumers.Consumer {} }")], [corlib]);
        var bare = CSharpCompilation.Create("Bare", [GeneratorHarness.Parse("namespace Chat { public class Lobby {} }")], [corlib]);
        var lobby = bare.GetTypeByMetadataName("Chat.Lobby")!;
        Assert.Multiple(() =>
        {
            Assert.That(KnownTypes.For(bare).Consumer, Is.Null);
            Assert.That(KnownTypes.For(bare).ActionAttribute, Is.Null);
            Assert.That(KnownTypes.DerivesFrom(lobby, KnownTypes.For(bare).Consumer), Is.False);
            Assert.That(KnownTypes.Is(lobby, null), Is.False);

            // A type of the same name in the compilation is the compilation's Consumer, compared by symbol.
            var own = KnownTypes.For(compilation).Consumer;
            Assert.That(own, Is.Not.Null);
            Assert.That(KnownTypes.DerivesFrom(compilation.GetTypeByMetadataName("Chat.Lobby")!, own), Is.True);
        });
    }

    [Test]
    public void ACopyDeclaredInTheCompilation_IsPreferredToTheReferencedType()
    {
        var compilation = GeneratorHarness.CreateCompilation("""
            namespace System.Text.Json.Serialization
            {
                internal sealed class JsonIgnoreAttribute : System.Attribute { }
            }
            """);
        var ignore = KnownTypes.For(compilation).JsonIgnoreAttribute;
        Assert.That(ignore?.ContainingAssembly, Is.EqualTo(compilation.Assembly));
    }

    [Test]
    public void AType_IsComparedBySymbol_NotByName()
    {
        // Same name, another namespace: a name-suffix comparison would take it for the runtime's attribute.
        var run = GeneratorHarness.Run("""
            namespace Elsewhere
            {
                [System.AttributeUsage(System.AttributeTargets.Method)]
                public sealed class ActionAttribute : System.Attribute { }
            }

            namespace Chat
            {
                public partial class LobbyConsumer : Consumers.Consumer
                {
                    [Elsewhere.Action]
                    public void Ping() { }

                    [Consumers.Action]
                    public void Pong() { }
                }
            }
            """).AssertClean();
        var source = run.Source("Chat.LobbyConsumer.g.cs");
        Assert.Multiple(() =>
        {
            Assert.That(source, Does.Contain("\"pong\""));
            Assert.That(source, Does.Not.Contain("\"ping\""));
        });
    }
}
