using System.Runtime.CompilerServices;

namespace BioImage.Kernels;

/// <summary>One voxel waiting to be flooded from: popped in order of (priority, age).</summary>
/// <param name="Priority">Height (plus the compactness term): lower pops first.</param>
/// <param name="Age">Push order: among equal priorities the older pops first.</param>
/// <param name="Index">Linear index of the voxel.</param>
internal readonly record struct FloodItem(double Priority, int Age, int Index)
{
    /// <summary>Strictly before <paramref name="other"/>: lower priority, or equal priority and older.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Precedes(in FloodItem other) => Priority != other.Priority ? Priority < other.Priority : Age < other.Age;
}
