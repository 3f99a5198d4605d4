namespace BioImage.Core.Tests.Architecture.Probes.High;

/// <summary>The higher layer of LayerTests' check of the scan itself.</summary>
internal sealed class Upper
{
    public static int Count { get; set; }
}
