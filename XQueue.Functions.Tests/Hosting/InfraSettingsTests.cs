using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Hosting;

/// <summary>
/// The Bicep in infra/ against the options the app binds (<see cref="XQueueOptions"/>, read by
/// reflection): every option has an app setting and every XQueue setting is a real option; storage is
/// reached by managed identity only; no setting that Flex Consumption forbids; only names Azure
/// accepts; and the defaults plus the example parameters pass the app's own start-up validation.
/// The Bicep compiler is not available to the tests, so they read the source text.
/// </summary>
public sealed partial class InfraSettingsTests
{
    /// <summary>Options the Bicep deliberately leaves unset (a path and everything under it), and why.</summary>
    static readonly Dictionary<string, string> NotSetByBicep = new(StringComparer.Ordinal)
    {
        // Azure app setting names allow only letters, digits, '.' and '_', so a queue named like
        // MITx-6.00x cannot appear in XQueue__Queues__<name>__...; the queues travel in one value.
        ["XQueue:Queues"] = "declared through XQueue:QueuesJson",
        // Period of the standalone sweep and the longest wait of its outbox consumer; under the Functions host the
        // Sweep timer's schedule (functions.metadata) rules and this option is not read.
        ["XQueue:Sweep:Interval"] = "standalone only",
        // Secrets and tuning an operator adds as app settings when used (README, "Auth"); the defaults fit.
        ["XQueue:Jwt:SigningKeys"] = "a secret, only for self-issued tokens: a Key Vault reference added when used",
        ["XQueue:Jwt:LmsJwks"] = "inline alternative to LmsJwksUrl",
        ["XQueue:Jwt:Issuer"] = "default fits; only self-issued tokens name it",
        ["XQueue:Jwt:ClockSkew"] = "default fits",
        ["XQueue:Sessions:PreviousSigningKeys"] = "set only during a key rotation",
        ["XQueue:Throttling"] = "defaults fit; per-instance limits tuned by adding app settings",
        ["XQueue:Metrics"] = "export off by default: an operator who runs a collector adds XQueue__Metrics__OtlpEndpoint (README, \"Metrics\"); the other defaults fit",
        ["XQueue:ScoreEvents"] = "opt-in with a queue's Delivery = event or both (README, \"Score events\"); the defaults fit",
        ["XQueue:LongPoll"] = "default fits; the recheck is tuned by adding an app setting",
        ["XQueue:MaxLease"] = "default fits (30 minutes, or the processing delay when longer); set by adding an app setting",
        ["XQueue:Push"] = "defaults fit (the timeout is the original's); tuned by adding app settings when a push queue needs it",
        ["XQueue:Storage:AddedLatency"] = "a benchmarking knob (XQueue.Bench --storage-latency): Azure Storage has its own latency",
    };

    /// <summary>Settings Flex Consumption rejects or ignores: the runtime comes from functionAppConfig only.</summary>
    static readonly string[] ForbiddenOnFlex =
    [
        "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_CONTENTSHARE",
        "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "SCM_DO_BUILD_DURING_DEPLOYMENT", "ENABLE_ORYX_BUILD", "WEBSITE_TIME_ZONE",
        "WEBSITE_NODE_DEFAULT_VERSION", "WEBSITE_SKIP_CONTENTSHARE_VALIDATION",
    ];

    const string Key = BicepSource.Key;

    static readonly Lazy<BicepSource> Source = new(() => BicepSource.Load(Repository.PathTo("infra")));

    [Fact]
    public void Every_XQueue_setting_in_the_Bicep_is_an_option_the_app_binds()
    {
        var options = OptionPaths().ToHashSet(StringComparer.Ordinal);
        var unknown = Source.Value.Settings
            .Where(s => s.Name.StartsWith("XQueue__", StringComparison.Ordinal))
            .Select(s => PathOf(s.Name))
            .Where(path => !options.Contains(path))
            .ToList();
        Assert.True(unknown.Count == 0, $"App settings that bind to no option in XQueueOptions: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void Every_option_the_app_binds_has_a_setting_in_the_Bicep_or_a_listed_reason_not_to()
    {
        var set = Source.Value.Settings.Select(s => PathOf(s.Name)).ToHashSet(StringComparer.Ordinal);
        var missing = OptionPaths().Where(path => !set.Contains(path) && !IsExempt(path)).ToList();
        Assert.True(missing.Count == 0,
            $"Options without an app setting in infra/ (add one to infra/main.bicep, or to {nameof(NotSetByBicep)} with the reason): {string.Join(", ", missing)}");
    }

    [Fact]
    public void The_exemptions_name_real_options_that_the_Bicep_indeed_leaves_unset()
    {
        var options = OptionPaths().ToList();
        var set = Source.Value.Settings.Select(s => PathOf(s.Name)).ToList();
        foreach (var exempt in NotSetByBicep.Keys)
        {
            Assert.Contains(options, path => Covers(exempt, path));
            Assert.DoesNotContain(set, path => Covers(exempt, path));
        }
    }

    [Fact]
    public void Storage_is_reached_by_managed_identity_with_no_key_or_connection_string_anywhere()
    {
        var settings = Source.Value.Settings.Select(s => s.Name).ToList();
        Assert.Contains("AzureWebJobsStorage__accountName", settings);
        Assert.DoesNotContain("AzureWebJobsStorage", settings);

        var code = Source.Value.Code;
        foreach (var forbidden in new[] { "listKeys", "listAccountSas", "listServiceSas", "AccountKey=", "DefaultEndpointsProtocol", "SharedAccessSignature=" })
        {
            Assert.False(code.Contains(forbidden, StringComparison.OrdinalIgnoreCase), $"infra/ must not use {forbidden}: storage is Entra ID only.");
        }
        // The only connection string is Application Insights' (it holds no key when local auth is off).
        var withoutAppInsights = Regex.Replace(code, @"APPLICATIONINSIGHTS_CONNECTION_STRING|appInsights\.properties\.ConnectionString|appInsightsConnectionString", "");
        Assert.DoesNotMatch(new Regex("connection_?string", RegexOptions.IgnoreCase), withoutAppInsights);

        Assert.Matches(new Regex(@"^param allowSharedKeyAccess bool = false$", RegexOptions.Multiline), Source.Value.Main);
    }

    [Fact]
    public void The_app_runs_on_the_isolated_worker_runtime_and_its_outbox_trigger_finds_its_queue()
    {
        Assert.Matches(new Regex(@"runtime: \{\s*name: 'dotnet-isolated'\s*version: '10\.0'\s*\}"), Source.Value.Code);
        // DeliverResult's queue is "%XQueue:StoragePrefix%delivery": the host needs the setting, even when empty.
        Assert.Contains(Source.Value.Settings, s => s.Name == "XQueue__StoragePrefix");
    }

    [Fact]
    public void No_setting_that_Flex_Consumption_forbids()
    {
        var settings = Source.Value.Settings.Select(s => s.Name).ToList();
        Assert.DoesNotContain(settings, name => name.StartsWith("WEBSITE_", StringComparison.Ordinal));
        foreach (var forbidden in ForbiddenOnFlex)
        {
            Assert.DoesNotContain(forbidden, settings);
            Assert.False(Source.Value.Code.Contains($"'{forbidden}'", StringComparison.Ordinal), $"{forbidden} must not be set on Flex Consumption.");
        }
    }

    [Fact]
    public void Setting_names_and_user_names_are_ones_Azure_accepts()
    {
        // A user name stands in for ${user.name}; main.bicep restricts those to letters, digits and '_'.
        var names = Source.Value.Settings.Select(s => s.Name.Replace(Key, "some_user1", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(names);
        Assert.All(names, name => Assert.Matches(SettingName(), name));
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());

        Assert.All(Source.Value.ExampleUsers, user => Assert.Matches(UserName(), user.Name));
    }

    [Fact]
    public void Every_example_parameter_is_declared_in_main_bicep()
    {
        var declared = Regex.Matches(Source.Value.Main, @"^param (\w+) ", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.All(Source.Value.ExampleParameters.Keys, name => Assert.Contains(name, declared));
    }

    [Fact]
    public void The_defaults_and_the_example_parameters_pass_the_apps_start_up_validation()
    {
        var args = new List<string> { "--AzureWebJobsStorage=UseDevelopmentStorage=true" };
        foreach (var setting in Source.Value.Settings.Where(s => s.Name.StartsWith("XQueue__", StringComparison.Ordinal)))
        {
            if (setting.Name.Contains(Key, StringComparison.Ordinal))
            {
                foreach (var user in Source.Value.ExampleUsers)
                {
                    args.Add($"--{PathOf(setting.Name).Replace(Key, user.Name, StringComparison.Ordinal)}={ValueOf(setting, user)}");
                }
            }
            else
            {
                args.Add($"--{PathOf(setting.Name)}={ValueOf(setting, null)}");
            }
        }

        var app = Program.Build([.. args]);
        var options = app.Services.GetRequiredService<IOptions<XQueueOptions>>().Value; // throws with the offending key

        Assert.Equal(new[] { "MITx-6.00x", "test-pull" }, options.Queues.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(TimeSpan.FromMinutes(5), options.ProcessingDelayOf("MITx-6.00x"));
        Assert.Equal(new[] { "grader", "lms" }, options.Users.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("submit", options.Users["lms"].Roles);
    }

    /// <summary>Every option path the app binds under XQueue, dictionary keys written as <see cref="Key"/>.</summary>
    static IEnumerable<string> OptionPaths() => OptionPaths(typeof(XQueueOptions), XQueueOptions.Section);

    static IEnumerable<string> OptionPaths(Type type, string prefix)
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
                else foreach (var nested in OptionPaths(entry, $"{path}:{Key}")) yield return nested;
            }
            else
            {
                foreach (var nested in OptionPaths(propertyType, path)) yield return nested;
            }
        }
    }

    static bool IsValue(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(TimeSpan) || t == typeof(decimal) || t == typeof(Uri);
    }

    /// <summary><c>XQueue__Users__{key}__Password</c> → <c>XQueue:Users:{key}:Password</c>.</summary>
    static string PathOf(string settingName) => settingName.Replace("__", ":", StringComparison.Ordinal);

    static bool IsExempt(string path) => NotSetByBicep.Keys.Any(exempt => Covers(exempt, path));

    static bool Covers(string exempt, string path) =>
        path == exempt || path.StartsWith(exempt + ":", StringComparison.Ordinal);

    /// <summary>The value a setting gets with the example parameters (parameter defaults otherwise).</summary>
    static string ValueOf(Setting setting, ExampleUser? user)
    {
        var expression = setting.Value;
        if (expression.Contains("keyVaultReferencePrefix", StringComparison.Ordinal))
        {
            // A Key Vault reference, resolved by the platform: stand in a value of the right shape.
            return setting.Name.EndsWith("__SigningKey", StringComparison.Ordinal)
                ? Convert.ToBase64String(new byte[32])
                : "a-password-from-key-vault";
        }
        if (expression == "user.roles") return user?.Roles ?? throw new InvalidOperationException($"{setting.Name}: no user");
        if (BicepSource.StringLiteral().Match(expression) is { Success: true } literal) return literal.Groups[1].Value;
        var parameter = StringOf().Match(expression) is { Success: true } stringOf ? stringOf.Groups[1].Value : expression;
        return Source.Value.ParameterValue(parameter);
    }

    /// <summary>Azure app setting names: letters, digits, '.' and '_'.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9_.]+$")]
    private static partial Regex SettingName();

    /// <summary>User names main.bicep allows (part of setting names and of Key Vault secret names).</summary>
    [GeneratedRegex(@"^[A-Za-z0-9_]{1,64}$")]
    private static partial Regex UserName();

    [GeneratedRegex(@"^string\((\w+)\)$")]
    private static partial Regex StringOf();
}
