using SmoothInfo.Build.Ci;

namespace SmoothInfo.Build.Tests.Ci;

/// <summary>SmoothInfoCiService and the variables the services set on their runners.</summary>
public sealed class CiServiceSettingTests
{
    [TestCase("auto", "true", "", "GitHubActions")]
    [TestCase("", "true", "", "GitHubActions")]
    [TestCase("auto", "", "True", "AzurePipelines")]
    [TestCase("auto", "", "", "None")]
    [TestCase("auto", "false", "False", "None")]
    [TestCase("none", "true", "True", "None")]
    [TestCase("github", "", "", "GitHubActions")]
    [TestCase("Azure", "true", "", "AzurePipelines")]
    public void ChoosesTheService(string setting, string gitHubActions, string tfBuild, string expected) =>
        Assert.That(CiServiceSetting.Parse(setting, gitHubActions, tfBuild).ToString(), Is.EqualTo(expected));

    [Test]
    public void UnknownSettingIsNull() => Assert.That(CiServiceSetting.Parse("jenkins", "true", ""), Is.Null);
}
