// The mandate knowledge index and the Bot Framework bot live here (see the chatbot issue).
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("ForumCloud.Tests")]
