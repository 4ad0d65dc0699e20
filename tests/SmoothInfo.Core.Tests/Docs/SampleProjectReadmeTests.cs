namespace SmoothInfo.Tests.Docs;

/// <summary>The sample project's README tells the same story as the main README (tests/SmoothInfo.Evidence wrote the data).</summary>
public sealed class SampleProjectReadmeTests
{
    [Test]
    public void TheServedModelIsTrainedOnThe67500ImagesNeitherTheRepositoryNorTheBatchHolds()
    {
        Assert.That(Repository.Read("README.md"), Does.Contain("MLP trained on the 67,500 Fashion-MNIST images the repository and the pull request\ndo not hold"));
        string sample = Repository.Read("sample-project", "README.md");
        Assert.That(sample, Does.Contain("trained on the 67,500 Fashion-MNIST images (training and test split) that neither the repository nor the batch holds"));
        Assert.That(sample, Does.Not.Contain("68,000"));
    }
}
