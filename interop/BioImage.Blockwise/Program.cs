using BioImage.Blockwise;

// BioImage.Blockwise: reads one block-wise request (JSON) from stdin, runs it, writes the answer (one JSON object) to
// stdout; progress lines go to stderr. Exit code 0 whenever an answer was written, whatever its status. SIGTERM
// (bk_blockwise_cancel) and SIGINT (Ctrl-C in the caller's terminal reaches its whole process group) cancel the run:
// distributed runs stop their workers or cancel their Slurm jobs, keep their folder, and the answer names it.
using var cancellation = new CancellationTokenSource();
void Cancel(System.Runtime.InteropServices.PosixSignalContext context)
{
    context.Cancel = true;
    cancellation.Cancel();
}

using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Cancel);
using var interrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, Cancel);
string request = await Console.In.ReadToEndAsync().ConfigureAwait(false);
var answer = BlockwiseRun.Answer(request, Console.Error, cancellation.Token);
Console.Out.Write(answer.ToJsonString());
return 0;
