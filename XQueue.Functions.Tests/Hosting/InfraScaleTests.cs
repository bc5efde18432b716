namespace XQueue.Functions.Tests.Hosting;

/// <summary>How far the app scales out, on the compiled template: any cap Flex Consumption allows (1 to 1000).</summary>
public sealed class InfraScaleTests
{
    [Fact]
    public async Task The_instance_cap_accepts_1_to_1000_and_reaches_the_app()
    {
        var infra = await CompiledInfra.Example;
        var cap = infra.Parameter("maximumInstanceCount");
        Assert.Equal(1, cap.GetProperty("minValue").GetInt32());
        Assert.Equal(1000, cap.GetProperty("maxValue").GetInt32());

        var scale = infra.App.GetProperty("properties").GetProperty("functionAppConfig").GetProperty("scaleAndConcurrency");
        Assert.Equal(cap.GetProperty("defaultValue").GetInt32(), scale.GetProperty("maximumInstanceCount").GetInt32());
    }
}
