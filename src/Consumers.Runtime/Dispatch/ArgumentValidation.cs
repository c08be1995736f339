using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Consumers.Protocol;

namespace Consumers.Dispatch;

/// <summary>
/// The DataAnnotations check of one request's DTO arguments, driven by the validators the source generator writes (no
/// reflection: the generated code reads each property and hands over the attributes it constructs). Each property is
/// checked as DataAnnotations' <c>Validator.TryValidateObject(..., validateAllProperties: true)</c> does (<c>[Required]</c>
/// first, and nothing more of a property it refuses; the type's own attributes and <c>IValidatableObject</c> only when the
/// properties passed), and nested DTOs the same way. Errors are kept under the wire names, nested as DRF nests a
/// serializer's errors. One per request that has such arguments.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ArgumentValidation
{
    private readonly IServiceProvider _services;
    private readonly List<(string? Key, int Index)> _path = [];
    private FieldErrorNode? _root;

    /// <summary>Creates the check for one request.</summary>
    /// <param name="services">The connection's DI scope, for <see cref="ValidationContext.GetService"/>.</param>
    public ArgumentValidation(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _services = services;
    }

    /// <summary>How many errors were found so far.</summary>
    public int ErrorCount { get; private set; }

    /// <summary>The errors found, or null when the arguments are valid.</summary>
    public ActionErrors? Errors => _root is null ? null : ActionErrors.Nested(_root);

    /// <summary>Starts checking one object: the context its attributes see.</summary>
    /// <param name="instance">The object.</param>
    /// <param name="displayName">Its type's name.</param>
    /// <returns>The context, reused for each of its properties.</returns>
    public ValidationContext Begin(object instance, string displayName) => new(instance, displayName, _services, null);

    /// <summary>Checks one property's value with its attributes (<c>[Required]</c> first: when it refuses, the others are not asked).</summary>
    /// <param name="context">The object's context.</param>
    /// <param name="value">The property's value.</param>
    /// <param name="member">The C# property name.</param>
    /// <param name="wireName">Its wire name: the key of its errors.</param>
    /// <param name="displayName">Its name in messages.</param>
    /// <param name="rules">Its attributes.</param>
    public void Member(ValidationContext context, object? value, string member, string wireName, string displayName, ValidationAttribute[] rules)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(rules);
        context.MemberName = member;
        context.DisplayName = displayName;
        foreach (var rule in rules)
        {
            if (rule.GetValidationResult(value, context) is { } result && result != ValidationResult.Success)
            {
                Add(wireName, result.ErrorMessage);
                if (rule is RequiredAttribute)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Checks the object as a whole, when its properties passed (as <c>Validator</c> does): its type's attributes, then
    /// <see cref="IValidatableObject.Validate"/>. A result naming members is kept under their wire names, any other under
    /// <c>non_field_errors</c>.
    /// </summary>
    /// <param name="context">The object's context.</param>
    /// <param name="instance">The object.</param>
    /// <param name="displayName">Its type's name.</param>
    /// <param name="rules">The type's attributes.</param>
    /// <param name="wireName">Maps a C# member name to its wire name.</param>
    public void Object(ValidationContext context, object instance, string displayName, ValidationAttribute[] rules, Func<string, string> wireName)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(wireName);
        context.MemberName = null;
        context.DisplayName = displayName;
        var before = ErrorCount;
        foreach (var rule in rules)
        {
            if (rule.GetValidationResult(instance, context) is { } result && result != ValidationResult.Success)
            {
                Add(result, wireName);
            }
        }

        if (ErrorCount == before && instance is IValidatableObject validatable)
        {
            foreach (var result in validatable.Validate(context))
            {
                if (result != ValidationResult.Success)
                {
                    Add(result, wireName);
                }
            }
        }
    }

    /// <summary>Errors from here on are nested under <paramref name="key"/> (a request key, a nested DTO's property).</summary>
    /// <param name="key">The wire name.</param>
    public void Enter(string key) => _path.Add((key, -1));

    /// <summary>Errors from here on are nested under item <paramref name="index"/> of the list entered last.</summary>
    /// <param name="index">The item's index.</param>
    public void EnterIndex(int index) => _path.Add((null, index));

    /// <summary>Leaves what <see cref="Enter"/> or <see cref="EnterIndex"/> entered.</summary>
    public void Leave() => _path.RemoveAt(_path.Count - 1);

    /// <summary>Records the length of the list entered last, so that its errors list every item (<c>{}</c> for valid ones).</summary>
    /// <param name="length">The number of items.</param>
    public void EndList(int length)
    {
        if (Find(create: false) is { } node)
        {
            node.SetLength(length);
        }
    }

    private void Add(ValidationResult result, Func<string, string> wireName)
    {
        var any = false;
        foreach (var member in result.MemberNames)
        {
            Add(wireName(member), result.ErrorMessage);
            any = true;
        }

        if (!any)
        {
            Add(FieldErrorNode.NonFieldErrors, result.ErrorMessage);
        }
    }

    private void Add(string field, string? message)
    {
        Find(create: true)!.Field(field).Add(message ?? "Invalid value.");
        ErrorCount++;
    }

    // The node of the current path; null when nothing was recorded there and create is false.
    private FieldErrorNode? Find(bool create)
    {
        if (_root is null && !create)
        {
            return null;
        }

        var node = _root ??= new FieldErrorNode();
        foreach (var (key, index) in _path)
        {
            node = create ? (key is null ? node.Item(index) : node.Field(key)) : node.Find(key, index);
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }
}
