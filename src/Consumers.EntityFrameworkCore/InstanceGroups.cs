using System.Globalization;

namespace Consumers.EntityFrameworkCore;

/// <summary>The group names of instance subscriptions: <c>instance.{Model}:{key}</c>.</summary>
internal static class InstanceGroups
{
    public static string ObserverId<TModel>() => "instance." + typeof(TModel).Name;

    public static string Of<TModel, TKey>(TKey key)
        where TKey : notnull
        => GroupName.Fit(ObserverId<TModel>() + ":" + GroupName.EncodeValue(Convert.ToString(key, CultureInfo.InvariantCulture) ?? string.Empty));
}
