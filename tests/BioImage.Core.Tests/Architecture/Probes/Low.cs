// The lower layer of LayerTests' check of the scan itself: each type but Clean uses High in a way that no member
// signature shows, and must be reported; Clean must not be.
namespace BioImage.Core.Tests.Architecture.Probes.Low;

internal static class Clean
{
    public static int Twice(int value) => 2 * value;
}

internal static class BodyOnly
{
    public static int Read() => High.Upper.Count;
}

internal static class GenericLocal
{
    public static int Count() => Array.Empty<KeyValuePair<int, High.Upper>>().Length;
}

internal static class Closure
{
    public static Func<int> Later() => () => High.Upper.Count + 1;
}
