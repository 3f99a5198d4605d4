namespace BioImage.Kernels;

/// <summary>A priority queue of <see cref="FloodItem"/>s, popped in (priority, age) order.</summary>
internal interface IFloodQueue : IDisposable
{
    /// <summary>Items waiting.</summary>
    int Count { get; }

    /// <summary>Adds an item.</summary>
    void Push(in FloodItem item);

    /// <summary>Removes and returns the first item; the queue must not be empty.</summary>
    FloodItem Pop();
}
