using BioImage.Runners;

namespace BioImage.Core.Tests.Runners;

/// <summary>Progress counting follows the done-logs: complete lines only, across polls and tasks, reading only new bytes.</summary>
public sealed class DoneLogTailTests() : RunnerFixture("donelog-")
{
    [Fact]
    public void Counts_complete_lines_of_every_task_as_they_are_appended()
    {
        var folder = TaskFolder.CreateAt(Path.Combine(Folder, "run"));
        var tail = new DoneLogTail(folder, taskCount: 3);
        Assert.Equal(0, tail.Count()); // no log exists yet

        File.AppendAllText(folder.DoneLogPath(0), "0\n1\n");
        File.AppendAllText(folder.DoneLogPath(2), "7\n12");
        Assert.Equal(3, tail.Count()); // "12" has no newline yet: not counted

        File.AppendAllText(folder.DoneLogPath(2), "\n13\n");
        File.AppendAllText(folder.DoneLogPath(1), string.Concat(Enumerable.Range(100, 5000).Select(id => $"{id}\n")));
        Assert.Equal(5005, tail.Count());
        Assert.Equal(5005, tail.Count()); // nothing new
    }

    [Fact]
    public void Reads_only_the_bytes_appended_since_the_previous_poll()
    {
        var folder = TaskFolder.CreateAt(Path.Combine(Folder, "run"));
        var tail = new DoneLogTail(folder, taskCount: 1);
        string log = folder.DoneLogPath(0);
        File.WriteAllText(log, "10\n11\n");
        Assert.Equal(2, tail.Count());

        // Rewrite the counted bytes without newlines: a poll that re-read the whole log would now count fewer lines.
        File.WriteAllText(log, "xxxxxx12\n");
        Assert.Equal(3, tail.Count());
    }
}
