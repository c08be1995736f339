using System.Globalization;
using System.Linq;
using Consumers.Generators.Model;

namespace Consumers.Generators.Emit;

/// <summary>
/// Writes the DataAnnotations checks of the DTOs a consumer's actions bind: one static method per DTO type that reads each
/// property with rules and hands it, with the attributes constructed once in a static array, to the runtime's
/// <c>ArgumentValidation</c> (Microsoft.Extensions.Validation's approach: no reflection), and the binder's call of them.
/// </summary>
internal static class ValidationEmitter
{
    private const string Validation = "global::Consumers.Dispatch.ArgumentValidation";
    private const string Attribute = "global::System.ComponentModel.DataAnnotations.ValidationAttribute";

    /// <summary>The request key whose DTO's errors are not nested under it: DCRF's serializer input, <c>data</c>, whose errors are the reply's.</summary>
    public const string DataKey = "data";

    /// <summary>The validators and their attribute arrays, in the consumer's part.</summary>
    public static void Write(SourceWriter w, ConsumerSpec spec)
    {
        foreach (var validator in spec.Validators)
        {
            foreach (var member in validator.Members.Where(m => m.Rules.Count > 0))
            {
                w.WriteLine();
                w.WriteLine($"private static readonly {Attribute}[] {validator.Method}_{member.Name} = new {Attribute}[] {{ {string.Join(", ", member.Rules)} }};");
            }

            if (validator.TypeRules.Count > 0)
            {
                w.WriteLine();
                w.WriteLine($"private static readonly {Attribute}[] {validator.Method}__Type = new {Attribute}[] {{ {string.Join(", ", validator.TypeRules)} }};");
            }

            w.WriteLine();
            w.WriteLine($"/// <summary>Checks the DataAnnotations of a <c>{ConsumerEmitter.Xml(validator.DisplayName)}</c>.</summary>");
            w.OpenBlock($"private static void {validator.Method}({validator.Type} __value, {Validation} __v)");
            w.WriteLine($"var __context = __v.Begin(__value, {ConsumerEmitter.Literal(validator.DisplayName)});");
            var whole = validator.TypeRules.Count > 0 || validator.ValidatableObject;
            if (whole)
            {
                w.WriteLine("var __before = __v.ErrorCount;");
            }

            for (var i = 0; i < validator.Members.Count; i++)
            {
                var member = validator.Members[i];
                var index = i.ToString(CultureInfo.InvariantCulture);
                if (member.Rules.Count > 0)
                {
                    w.WriteLine($"__v.Member(__context, __value.{member.Name}, {ConsumerEmitter.Literal(member.Name)}, {ConsumerEmitter.Literal(member.WireName)}, {ConsumerEmitter.Literal(member.DisplayName)}, {validator.Method}_{member.Name});");
                }

                if (member.Nested is null)
                {
                    continue;
                }

                w.OpenBlock($"if (__value.{member.Name} is {{ }} __n{index})");
                w.WriteLine($"__v.Enter({ConsumerEmitter.Literal(member.WireName)});");
                if (member.Collection)
                {
                    w.WriteLine($"var __i{index} = 0;");
                    w.OpenBlock($"foreach (var __e{index} in __n{index})");
                    w.OpenBlock($"if (__e{index} is {{ }} __item{index})");
                    w.WriteLine($"__v.EnterIndex(__i{index});");
                    w.WriteLine($"{member.Nested}(__item{index}, __v);");
                    w.WriteLine("__v.Leave();");
                    w.CloseBlock();
                    w.WriteLine();
                    w.WriteLine($"__i{index}++;");
                    w.CloseBlock();
                    w.WriteLine();
                    w.WriteLine($"__v.EndList(__i{index});");
                }
                else
                {
                    w.WriteLine($"{member.Nested}(__n{index}, __v);");
                }

                w.WriteLine("__v.Leave();");
                w.CloseBlock();
            }

            if (whole)
            {
                var names = string.Concat(validator.WireNames.Where(n => n.Name != n.WireName).Select(n => $"{ConsumerEmitter.Literal(n.Name)} => {ConsumerEmitter.Literal(n.WireName)}, "));
                var rules = validator.TypeRules.Count > 0 ? $"{validator.Method}__Type" : $"global::System.Array.Empty<{Attribute}>()";
                w.OpenBlock("if (__v.ErrorCount == __before)");
                w.WriteLine($"__v.Object(__context, __value, {ConsumerEmitter.Literal(validator.DisplayName)}, {rules}, static __member => __member switch {{ {names}_ => __member }});");
                w.CloseBlock();
            }

            w.CloseBlock();
        }
    }

    /// <summary>The hooks' <c>TryValidate</c>: a DTO built after binding, checked with its type's validator.</summary>
    public static void WriteHook(SourceWriter w, ConsumerSpec spec)
    {
        if (spec.Validators.Count == 0)
        {
            return;
        }

        w.WriteLine();
        w.WriteLine("/// <summary>Checks a DTO with the validator generated for its type.</summary>");
        w.OpenBlock($"public override bool TryValidate(object value, global::System.IServiceProvider services, out global::Consumers.ActionErrors? errors)");
        w.WriteLine($"var __validation = new {Validation}(services);");
        w.WriteLine("var __type = value.GetType();");
        for (var i = 0; i < spec.Validators.Count; i++)
        {
            // Exact types: a pattern switch would refuse to compile a base type before its derived one.
            var validator = spec.Validators[i];
            w.OpenBlock($"{(i == 0 ? "" : "else ")}if (__type == typeof({validator.Type}))");
            w.WriteLine($"{validator.Method}(({validator.Type})value, __validation);");
            w.CloseBlock();
        }

        w.OpenBlock("else");
        w.WriteLine("errors = null;");
        w.WriteLine("return false;");
        w.CloseBlock();
        w.WriteLine();
        w.WriteLine("errors = __validation.Errors;");
        w.WriteLine("return true;");
        w.CloseBlock();
    }

    /// <summary>The binder's check of its DTO arguments, after they are bound: 400 with every error found.</summary>
    public static void WriteCheck(SourceWriter w, ActionSpec action)
    {
        var validated = action.Parameters.Select((p, i) => (Parameter: p, Index: i)).Where(x => x.Parameter.Validator is not null).ToList();
        if (validated.Count == 0)
        {
            return;
        }

        w.OpenBlock("if (invocation.ValidatesDataAnnotations)");
        w.WriteLine($"var __validation = new {Validation}(invocation.Services);");
        foreach (var (p, i) in validated)
        {
            var nested = p.Key != DataKey;
            w.OpenBlock($"if (__arg{i} is {{ }} __valid{i})");
            if (nested)
            {
                w.WriteLine($"__validation.Enter({ConsumerEmitter.Literal(p.Key)});");
            }

            w.WriteLine($"{p.Validator}(__valid{i}, __validation);");
            if (nested)
            {
                w.WriteLine("__validation.Leave();");
            }

            w.CloseBlock();
        }

        w.WriteLine();
        w.OpenBlock("if (__validation.Errors is { } __errors)");
        w.WriteLine("return invocation.ReplyResult(global::Consumers.ActionResult.BadRequest(__errors));");
        w.CloseBlock();
        w.CloseBlock();
        w.WriteLine();
    }
}
