using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;

namespace XQueue.Functions.Tests.Hosting;

/// <summary>
/// The Bicep in infra/, as the compiler makes it (<see cref="CompiledInfra"/>), against the options the app binds
/// (<see cref="XQueueOptions"/>, read by reflection): every option has an app setting and every XQueue setting is a
/// real option; no setting that Flex Consumption forbids; only names Azure accepts; and the app settings the
/// deployment writes with main.bicepparam pass the app's own start-up validation. (Storage by managed identity
/// only: <see cref="InfraIdentityTests"/>.)
/// </summary>
public sealed partial class InfraSettingsTests
{
    /// <summary>Options the Bicep deliberately leaves unset (a path and everything under it), and why.</summary>
    static readonly Dictionary<string, string> NotSetByBicep = new(StringComparer.Ordinal)
    {
        // Azure app setting names allow only letters, digits, '.' and '_', so a queue named like
        // MITx-6.00x cannot appear in XQueue__Queues__<name>__...; the queues travel in one value.
        ["XQueue:Queues"] = "declared through XQueue:QueuesJson",
        // Periods of the standalone sweep (and the longest wait of its outbox consumer) and of the charts' history;
        // under the Functions host the timers' schedules (functions.metadata) rule and these options are not read.
        ["XQueue:Sweep"] = "standalone only",
        // Secrets and tuning an operator adds as app settings when used (docs/auth.md); the defaults fit.
        ["XQueue:Jwt:SigningKeys"] = "a secret, only for self-issued tokens: a Key Vault reference added when used",
        ["XQueue:Jwt:LmsJwks"] = "inline alternative to LmsJwksUrl",
        ["XQueue:Jwt:Issuer"] = "default fits; only self-issued tokens name it",
        ["XQueue:Jwt:ClockSkew"] = "default fits",
        ["XQueue:Sessions:PreviousSigningKeys"] = "set only during a key rotation",
        ["XQueue:Throttling"] = "defaults fit; per-instance limits tuned by adding app settings",
        ["XQueue:Metrics"] = "Application Insights gets the metrics through APPLICATIONINSIGHTS_CONNECTION_STRING (set by the template); an operator who also runs a collector adds XQueue__Metrics__OtlpEndpoint (docs/metrics.md); the other defaults fit",
        ["XQueue:ScoreEvents"] = "opt-in with a queue's Delivery = event or both (docs/grader-api.md, \"Score events\"); the defaults fit",
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

    [Fact]
    public async Task Every_XQueue_setting_in_the_Bicep_is_an_option_the_app_binds()
    {
        var infra = await CompiledInfra.Example;
        var options = OptionPaths.All().ToList();
        var unknown = XQueueSettings(infra)
            .Select(s => OptionPaths.PathOf(s.Name))
            .Where(path => !options.Any(option => OptionPaths.Binds(option, path)))
            .ToList();
        Assert.True(unknown.Count == 0, $"App settings that bind to no option in XQueueOptions: {string.Join(", ", unknown)}");
    }

    [Fact]
    public async Task Every_option_the_app_binds_has_a_setting_in_the_Bicep_or_a_listed_reason_not_to()
    {
        var set = (await CompiledInfra.Example).AppSettings.Select(s => OptionPaths.PathOf(s.Name)).ToList();
        var missing = OptionPaths.All().Where(option => !set.Any(path => OptionPaths.Binds(option, path)) && !IsExempt(option)).ToList();
        Assert.True(missing.Count == 0,
            $"Options without an app setting in infra/ (add one to infra/main.bicep, or to {nameof(NotSetByBicep)} with the reason): {string.Join(", ", missing)}");
    }

    [Fact]
    public async Task The_exemptions_name_real_options_that_the_Bicep_indeed_leaves_unset()
    {
        var options = OptionPaths.All().ToList();
        var set = (await CompiledInfra.Example).AppSettings.Select(s => OptionPaths.PathOf(s.Name)).ToList();
        foreach (var exempt in NotSetByBicep.Keys)
        {
            Assert.Contains(options, path => Covers(exempt, path));
            Assert.DoesNotContain(set, path => Covers(exempt, path));
        }
    }

    [Fact]
    public async Task No_XQueue_setting_is_spelled_outside_the_apps_settings()
    {
        // Another resource (a sites/config, a slot) setting an XQueue option would escape the tests above.
        var infra = await CompiledInfra.Example;
        var spelled = infra.Resources.Sum(r => Regex.Count(r.GetRawText(), "XQueue__"));
        Assert.Equal(XQueueSettings(infra).Count, spelled);
    }

    [Fact]
    public async Task The_app_runs_on_the_isolated_worker_runtime_and_its_outbox_trigger_finds_its_queue()
    {
        var infra = await CompiledInfra.Example;
        var runtime = infra.App.GetProperty("properties").GetProperty("functionAppConfig").GetProperty("runtime");
        Assert.Equal("dotnet-isolated", runtime.GetProperty("name").GetString());
        Assert.Equal("10.0", runtime.GetProperty("version").GetString());
        // DeliverResult's queue is "%XQueue:StoragePrefix%delivery": the host needs the setting, even when empty.
        Assert.Contains(infra.AppSettings, s => s.Name == "XQueue__StoragePrefix");
    }

    [Fact]
    public async Task No_setting_that_Flex_Consumption_forbids()
    {
        var infra = await CompiledInfra.Example;
        var settings = infra.AppSettings.Select(s => s.Name).ToList();
        Assert.DoesNotContain(settings, name => name.StartsWith("WEBSITE_", StringComparison.Ordinal));
        var code = infra.TemplateCode;
        foreach (var forbidden in ForbiddenOnFlex)
        {
            Assert.DoesNotContain(forbidden, settings);
            // Spelled anywhere: as a JSON string, or as a string inside an ARM expression.
            Assert.False(code.Contains($"\"{forbidden}\"", StringComparison.Ordinal) || code.Contains($"'{forbidden}'", StringComparison.Ordinal),
                $"{forbidden} must not be set on Flex Consumption.");
        }
    }

    [Fact]
    public async Task Setting_names_and_user_names_are_ones_Azure_accepts()
    {
        var infra = await CompiledInfra.Example;
        // Names are worked out by the compiler (user names from main.bicepparam); one it cannot work out is an ARM
        // expression, which fails here: a name must be known before deploying.
        var names = infra.AppSettings.Select(s => s.Name).ToList();
        Assert.NotEmpty(names);
        Assert.All(names, name => Assert.Matches(SettingName(), name));
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());

        var users = ExampleUsers(infra);
        Assert.NotEmpty(users);
        Assert.All(users, user => Assert.Matches(UserName(), user.Name));
    }

    [Fact]
    public async Task Every_example_parameter_is_declared_in_main_bicep()
    {
        var infra = await CompiledInfra.Example;
        var declared = infra.Template.GetProperty("parameters").EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(infra.Parameters);
        Assert.All(infra.Parameters.Keys, name => Assert.Contains(name, declared));
    }

    [Fact]
    public async Task The_defaults_and_the_example_parameters_pass_the_apps_start_up_validation()
    {
        var infra = await CompiledInfra.Example;
        var args = new List<string> { "--AzureWebJobsStorage=UseDevelopmentStorage=true" };
        foreach (var setting in XQueueSettings(infra))
        {
            Assert.False(setting.IsRuntimeValue, $"{setting.Name} is only known once deployed: {setting.Value}");
            args.Add($"--{OptionPaths.PathOf(setting.Name)}={ValueOf(setting)}");
        }

        var app = Program.Build([.. args]);
        var options = app.Services.GetRequiredService<IOptions<XQueueOptions>>().Value; // throws with the offending key

        Assert.Equal(new[] { "MITx-6.00x", "test-pull" }, options.Queues.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(TimeSpan.FromMinutes(5), options.ProcessingDelayOf("MITx-6.00x"));
        Assert.Equal(new[] { "grader", "lms" }, options.Users.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("submit", options.Users["lms"].Roles);
    }

    static List<AppSetting> XQueueSettings(CompiledInfra infra) =>
        infra.AppSettings.Where(s => s.Name.StartsWith("XQueue__", StringComparison.Ordinal)).ToList();

    static List<(string Name, string Roles)> ExampleUsers(CompiledInfra infra) =>
        infra.Parameters.TryGetValue("users", out var users)
            ? users.EnumerateArray().Select(u => (u.GetProperty("name").GetString()!, u.GetProperty("roles").GetString()!)).ToList()
            : [];

    static bool IsExempt(string path) => NotSetByBicep.Keys.Any(exempt => Covers(exempt, path));

    static bool Covers(string exempt, string path) =>
        path == exempt || path.StartsWith(exempt + ":", StringComparison.Ordinal);

    /// <summary>The value the app reads: Key Vault references are resolved by the platform, so a value of the right shape stands in.</summary>
    static string ValueOf(AppSetting setting) =>
        !setting.Value.StartsWith("@Microsoft.KeyVault(", StringComparison.Ordinal) ? setting.Value
        : setting.Name.EndsWith("__SigningKey", StringComparison.Ordinal) ? Convert.ToBase64String(new byte[32])
        : "a-password-from-key-vault";

    /// <summary>Azure app setting names: letters, digits, '.' and '_'.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9_.]+$")]
    private static partial Regex SettingName();

    /// <summary>User names main.bicep allows (part of setting names and of Key Vault secret names).</summary>
    [GeneratedRegex(@"^[A-Za-z0-9_]{1,64}$")]
    private static partial Regex UserName();
}
