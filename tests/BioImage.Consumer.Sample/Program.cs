// BioImage.Consumer.Sample JOB_TYPE INPUT.npy OUTPUT.npy TMP_ROOT: writes OUTPUT = 3 · INPUT + 0.5 (float32) block by
// block with AffineOperation on JOB_TYPE (local, subprocess or slurm; 3 workers), temp data under TMP_ROOT.
using BioImage;
using BioImage.Consumer.Sample;
using BioImage.Runners;
using BioImage.Sources;

if (args.Length != 4 || !Enum.TryParse<JobType>(args[0], ignoreCase: true, out var jobType))
{
    Console.Error.WriteLine("usage: BioImage.Consumer.Sample local|subprocess|slurm INPUT.npy OUTPUT.npy TMP_ROOT");
    return 2;
}

var input = Source.Open(args[1]);
var output = NpySource.Create(args[2], DType.Float32, input.Shape);
var options = new RunOptions { JobType = jobType, Workers = 3, BlockShape = [4, 8, 8], TmpRoot = args[3] };
Runner.Run(new AffineOperation { Scale = 3, Offset = 0.5f }, [input], [output], options);
Console.WriteLine($"wrote {args[2]} on {jobType}");
return 0;
