// Serves the classifier: `dotnet run --project sample-project -- <image.png>...` prints each image's class.
// Deliberately dependency-free (System.Text.Json and zlib from the BCL), so the gate's tooling is the only package.
using FashionClassifier;

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: FashionClassifier <28x28 greyscale png>...");
    return 2;
}
var model = Mlp.Load(Path.Combine(AppContext.BaseDirectory, "model", "classifier.safetensors"));
foreach (string path in args)
{
    var scores = model.Predict(GreyPng.Read(path));
    int best = Array.IndexOf(scores, scores.Max());
    Console.WriteLine($"{path}: {Mlp.ClassNames[best]}");
}
return 0;
