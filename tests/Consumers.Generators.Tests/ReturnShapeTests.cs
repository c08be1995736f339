using Consumers.Generators.Parsing;
using Consumers.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Consumers.Generators.Tests;

/// <summary>The return-shape parser: each return type an action may have, its kind and its data; and those it may not.</summary>
[TestFixture]
public sealed class ReturnShapeTests
{
    [TestCase("void", "Void", "None", null)]
    [TestCase("Task", "Task", "None", null)]
    [TestCase("ValueTask", "ValueTask", "None", null)]
    [TestCase("int", "Value", "None", "int")]
    [TestCase("string?", "Value", "None", "string?")]
    [TestCase("Task<int>", "TaskOfValue", "Task", "int")]
    [TestCase("ValueTask<List<string>>", "ValueTaskOfValue", "ValueTask", "System.Collections.Generic.List<string>")]
    [TestCase("ActionResult", "Result", "None", null)]
    [TestCase("Task<ActionResult>", "TaskOfResult", "Task", null)]
    [TestCase("ValueTask<ActionResult>", "ValueTaskOfResult", "ValueTask", null)]
    [TestCase("ActionResult<int[]>", "ResultOfValue", "None", "int[]")]
    [TestCase("Task<ActionResult<int>>", "TaskOfResultOfValue", "Task", "int")]
    [TestCase("ValueTask<ActionResult<int?>>", "ValueTaskOfResultOfValue", "ValueTask", "int?")]
    [TestCase("IAsyncEnumerable<int>", "AsyncEnumerable", "None", "int")]
    [TestCase("IAsyncEnumerable<string?>", "AsyncEnumerable", "None", "string?")]
    [TestCase("ChannelReader<List<int>>", "ChannelReader", "None", "System.Collections.Generic.List<int>")]
    public void ASupportedReturnType_HasItsKindAndData(string returnType, string kind, string wrapper, string? data)
    {
        var shape = Read(returnType);
        Assert.Multiple(() =>
        {
            Assert.That(shape.Unsupported, Is.Null);
            Assert.That(shape.Kind.ToString(), Is.EqualTo(kind));
            Assert.That(shape.Wrapper.ToString(), Is.EqualTo(wrapper));
            Assert.That(shape.Data?.ToDisplayString(), Is.EqualTo(data));
        });
    }

    [TestCase("Task<Task<int>>")]
    [TestCase("ValueTask<Task>")]
    [TestCase("Task[]")]
    [TestCase("Task<IAsyncEnumerable<int>>")]
    [TestCase("ValueTask<ChannelReader<int>>")]
    [TestCase("IAsyncEnumerable<int>[]")]
    [TestCase("ActionResult<IAsyncEnumerable<int>>")]
    [TestCase("IAsyncEnumerator<int>")]
    [TestCase("ref int")]
    public void AStreamATaskOfATaskOrARef_IsUnsupported(string returnType)
    {
        var shape = Read(returnType);
        Assert.Multiple(() =>
        {
            Assert.That(shape.Unsupported, Is.Not.Null, "reported as CONS0008 with this text");
            Assert.That(shape.Data, Is.Null);
        });
    }

    private static ReturnShape Read(string returnType)
    {
        var body = returnType == "void" ? "{ }" : "=> throw null!;";
        var field = returnType == "ref int" ? "private int _value; " : "";
        if (returnType == "ref int")
        {
            body = "=> ref _value;";
        }

        var compilation = GeneratorHarness.CreateCompilation($$"""
            #nullable enable
            using System.Collections.Generic;
            using System.Threading.Channels;
            using System.Threading.Tasks;
            using Consumers;

            public sealed class Shapes
            {
                {{field}}public {{returnType}} Method() {{body}}
            }
            """);
        Assert.That(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error), Is.Empty, "the case compiles");
        var method = compilation.GetTypeByMetadataName("Shapes")!.GetMembers("Method").OfType<IMethodSymbol>().Single();
        return ReturnShapeParser.Read(method, KnownTypes.For(compilation));
    }
}
