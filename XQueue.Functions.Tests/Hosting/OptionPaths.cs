using System.Reflection;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.Tests.Hosting;

/// <summary>
/// The configuration paths the app binds under XQueue (<see cref="XQueueOptions"/>, read by reflection), and how an
/// app setting's name maps onto them: <c>XQueue__Users__lms__Password</c> sets <c>XQueue:Users:{key}:Password</c>.
/// </summary>
public static class OptionPaths
{
    /// <summary>What a dictionary key (a user name, a queue name) stands as in an option path.</summary>
    public const string Key = "{key}";

    /// <summary>Every option path, dictionary keys written as <see cref="Key"/>.</summary>
    public static IEnumerable<string> All() => Of(typeof(XQueueOptions), XQueueOptions.Section);

    /// <summary><c>XQueue__Users__lms__Password</c> → <c>XQueue:Users:lms:Password</c>.</summary>
    public static string PathOf(string settingName) => settingName.Replace("__", ":", StringComparison.Ordinal);

    /// <summary>Whether a setting's path sets the option: the same segments, any key where the option has <see cref="Key"/>.</summary>
    public static bool Binds(string option, string path)
    {
        var optionSegments = option.Split(':');
        var pathSegments = path.Split(':');
        return optionSegments.Length == pathSegments.Length
            && optionSegments.Zip(pathSegments).All(p => p.First == Key || p.First == p.Second);
    }

    static IEnumerable<string> Of(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is not { IsPublic: true }) continue;
            var path = $"{prefix}:{property.Name}";
            var propertyType = property.PropertyType;
            if (IsValue(propertyType))
            {
                yield return path;
            }
            else if (propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            {
                var entry = propertyType.GetGenericArguments()[1];
                if (IsValue(entry)) yield return $"{path}:{Key}";
                else foreach (var nested in Of(entry, $"{path}:{Key}")) yield return nested;
            }
            else
            {
                foreach (var nested in Of(propertyType, path)) yield return nested;
            }
        }
    }

    static bool IsValue(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(TimeSpan) || t == typeof(decimal) || t == typeof(Uri);
    }
}
