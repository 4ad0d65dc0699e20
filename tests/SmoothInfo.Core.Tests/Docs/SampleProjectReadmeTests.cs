namespace SmoothInfo.Tests.Docs;

/// <summary>The sample project's README tells the same story as the main README (tests/SmoothInfo.Evidence wrote the data).</summary>
public sealed class SampleProjectReadmeTests
{
    [Test]
    public void TheServedModelIsTrainedOnThe68000ImagesTheCheckedSubsetDoesNotHold()
    {
        Assert.That(Repository.Read("README.md"), Does.Contain("trained on the 68,000 Fashion-MNIST images the checked subset does not hold"));
        string sample = Repository.Read("sample-project", "README.md");
        Assert.That(sample, Does.Contain("trained on the 68,000 Fashion-MNIST images (training and test split)"));
        Assert.That(sample, Does.Not.Contain("trained on Fashion-MNIST's test split"));
    }
}
