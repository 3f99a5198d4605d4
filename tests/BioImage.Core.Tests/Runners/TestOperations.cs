using System.Diagnostics;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Core.Tests.Runners;

/// <summary>
/// A user-defined operation from another assembly (this test assembly): a 3×3×3 maximum filter with halo 1.
/// Workers load it by assembly path and type name, which is what the runner promises for user code.
/// </summary>
public sealed class MaxFilterOperation : BlockOperation
{
    public override long[] GetHalo(int rank) => Enumerable.Repeat(1L, rank).ToArray();

    public override void Run(BlockContext block)
    {
        var outer = block.Block.Outer;
        using var data = NdArray<float>.Allocate(outer.GetShapeAsInt32(), clear: false);
        block.Inputs[0].Read(outer, RegionView.Of(data, Region.FromShape(outer.Shape)));
        var inner = block.Block.InnerLocal;
        using var result = NdArray<float>.Allocate(inner.GetShapeAsInt32(), clear: false);
        MaxFilter.Apply(data, inner, result);
        block.Outputs[0].Write<float>(block.Block.Inner, RegionView.Of(result, Region.FromShape(inner.Shape)));
    }
}

/// <summary>The whole-volume oracle of <see cref="MaxFilterOperation"/>: a brute-force 3×3×3 maximum clipped at the border.</summary>
public static class MaxFilter
{
    public static void Apply(NdArray<float> data, Region inner, NdArray<float> result)
    {
        var source = data.AsSpan3D();
        var target = result.AsSpan3D();
        for (int z = 0; z < target.Depth; z++)
        {
            for (int y = 0; y < target.Height; y++)
            {
                for (int x = 0; x < target.Width; x++)
                {
                    int cz = z + (int)inner.Begin[0], cy = y + (int)inner.Begin[1], cx = x + (int)inner.Begin[2];
                    float max = float.NegativeInfinity;
                    for (int dz = Math.Max(cz - 1, 0); dz <= Math.Min(cz + 1, source.Depth - 1); dz++)
                    {
                        for (int dy = Math.Max(cy - 1, 0); dy <= Math.Min(cy + 1, source.Height - 1); dy++)
                        {
                            for (int dx = Math.Max(cx - 1, 0); dx <= Math.Min(cx + 1, source.Width - 1); dx++)
                            {
                                max = Math.Max(max, source[dz, dy, dx]);
                            }
                        }
                    }

                    target[z, y, x] = max;
                }
            }
        }
    }
}

/// <summary>Copies like CopyOperation, but fails on one block while a marker file exists: by throwing, exiting or SIGKILL.</summary>
public sealed class FaultyCopyOperation : BlockOperation
{
    public long FailOnBlock { get; set; }

    public string FailWhileExists { get; set; } = string.Empty;

    /// <summary>"throw", "exit" (exit code 3), "kill" (SIGKILL to itself, mid-task) or "hang" (sleeps while the marker exists).</summary>
    public string Mode { get; set; } = "throw";

    public override void Run(BlockContext block)
    {
        if (block.Block.BlockId == FailOnBlock && File.Exists(FailWhileExists))
        {
            switch (Mode)
            {
                case "exit":
                    Environment.Exit(3);
                    break;
                case "kill":
                    Process.GetCurrentProcess().Kill();
                    Thread.Sleep(Timeout.Infinite);
                    break;
                case "hang":
                    while (File.Exists(FailWhileExists))
                    {
                        Thread.Sleep(200);
                    }

                    break;
                default:
                    throw new InvalidOperationException($"injected failure on block {FailOnBlock}");
            }
        }

        new global::BioImage.Operations.CopyOperation().Run(block);
    }
}

/// <summary>A map operation: item i gives i², and fails on one item while a marker file exists.</summary>
public sealed class SquareOperation : MapOperation<long>
{
    public long FailOnItem { get; set; } = -1;

    public string FailWhileExists { get; set; } = string.Empty;

    public override long Run(long itemId) =>
        itemId == FailOnItem && File.Exists(FailWhileExists) ? throw new InvalidOperationException($"item {itemId} failed") : itemId * itemId;
}
