using Consumers.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Consumers.Generators.Parsing;

/// <summary>
/// Reads an action's return type into its <see cref="ReturnKind"/>: nothing (<c>void</c>, <c>Task</c>, <c>ValueTask</c>),
/// data (<c>T</c>), a status (<c>ActionResult</c>) or both (<c>ActionResult&lt;T&gt;</c>), each bare or in
/// <c>Task&lt;&gt;</c> / <c>ValueTask&lt;&gt;</c>. Whether the data can travel as JSON is the action parser's concern.
/// </summary>
internal static class ReturnShapeParser
{
    public static ReturnShape Read(IMethodSymbol method, KnownTypes known)
    {
        var type = method.ReturnType;
        if (method.ReturnsVoid)
        {
            return new ReturnShape(ReturnKind.Void, ReturnWrapper.None, null, null);
        }

        if (method.ReturnsByRef || method.ReturnsByRefReadonly)
        {
            return Unsupported("ref " + type.ToDisplayString());
        }

        ReturnWrapper wrapper;
        ITypeSymbol inner;
        if (known.IsTaskOrValueTask(type.WithNullableAnnotation(NullableAnnotation.NotAnnotated), out var awaitable))
        {
            return new ReturnShape(awaitable == "Task" ? ReturnKind.Task : ReturnKind.ValueTask, ReturnWrapper.None, null, null);
        }
        else if (KnownTypes.Is(type, known.TaskOfT))
        {
            wrapper = ReturnWrapper.Task;
            inner = ((INamedTypeSymbol)type).TypeArguments[0];
        }
        else if (KnownTypes.Is(type, known.ValueTaskOfT))
        {
            wrapper = ReturnWrapper.ValueTask;
            inner = ((INamedTypeSymbol)type).TypeArguments[0];
        }
        else
        {
            wrapper = ReturnWrapper.None;
            inner = type;
        }

        // A stream, returned as it is (the runtime enumerates it with the call's token).
        if (wrapper == ReturnWrapper.None && type is INamedTypeSymbol { TypeArguments.Length: 1 } named)
        {
            if (KnownTypes.Is(type, known.AsyncEnumerable))
            {
                return new ReturnShape(ReturnKind.AsyncEnumerable, wrapper, named.TypeArguments[0], null);
            }

            if (KnownTypes.Is(type, known.ChannelReader))
            {
                return new ReturnShape(ReturnKind.ChannelReader, wrapper, named.TypeArguments[0], null);
            }
        }

        // A task of a task, or a stream in a task (or an array of streams): an action answers once, with data.
        if (KnownTypes.IsTaskLibrary(inner) || known.IsAsyncEnumerable(inner) || KnownTypes.Is(inner, known.AsyncEnumerator) || KnownTypes.Is(inner, known.ChannelReader))
        {
            return Unsupported(type.ToDisplayString());
        }

        if (KnownTypes.Is(inner, known.ActionResult))
        {
            return new ReturnShape(Wrap(wrapper, ReturnKind.Result, ReturnKind.TaskOfResult, ReturnKind.ValueTaskOfResult), wrapper, null, null);
        }

        if (KnownTypes.Is(inner, known.ActionResultOfT))
        {
            var data = ((INamedTypeSymbol)inner).TypeArguments[0];
            if (known.IsAsyncEnumerable(data) || KnownTypes.Is(data, known.ChannelReader) || KnownTypes.IsTaskLibrary(data))
            {
                return Unsupported(type.ToDisplayString());
            }

            return new ReturnShape(Wrap(wrapper, ReturnKind.ResultOfValue, ReturnKind.TaskOfResultOfValue, ReturnKind.ValueTaskOfResultOfValue), wrapper, data, null);
        }

        return new ReturnShape(Wrap(wrapper, ReturnKind.Value, ReturnKind.TaskOfValue, ReturnKind.ValueTaskOfValue), wrapper, inner, null);
    }

    private static ReturnShape Unsupported(string display) => new(ReturnKind.Void, ReturnWrapper.None, null, display);

    private static ReturnKind Wrap(ReturnWrapper wrapper, ReturnKind bare, ReturnKind task, ReturnKind valueTask) => wrapper switch
    {
        ReturnWrapper.Task => task,
        ReturnWrapper.ValueTask => valueTask,
        _ => bare,
    };
}
