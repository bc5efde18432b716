using System.Runtime.CompilerServices;

namespace XQueue.Functions.Tests.Infrastructure;

/// <summary>
/// The Azure Monitor exporter reports on itself: statsbeat to Microsoft's ingestion endpoints, and SDK counts
/// whose dimensions it fills by asking the Azure instance metadata endpoint (169.254.169.254) where it runs.
/// No test may send anything off this machine, so both are off for the test process and the workers it starts
/// (they inherit its environment), before any exporter reads the variables (the exporter reads them once).
/// </summary>
static class ExporterSelfTelemetry
{
#pragma warning disable CA2255 // a test assembly's own set-up, not a library's
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void TurnOff()
    {
        Environment.SetEnvironmentVariable("APPLICATIONINSIGHTS_STATSBEAT_DISABLED", "true");
        Environment.SetEnvironmentVariable("APPLICATIONINSIGHTS_SDKSTATS_DISABLED", "true");
    }
}
