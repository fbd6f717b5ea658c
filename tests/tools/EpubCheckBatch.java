// EPUBCheck over many EPUBs in one JVM: starting Java costs several
// seconds of CPU, checking a book a fraction of one. Run with Java's
// source-file mode (JDK 11+), the epubcheck jar on the class path:
//
//   java -cp /usr/share/java/epubcheck.jar tests/tools/EpubCheckBatch.java A.epub B.epub
//
// For each file, EPUBCheck's own messages (on stderr, each naming the
// file), then one line on stdout in the command-line tool's words:
//   FILE<TAB>Messages: F fatals / E errors / W warnings / I infos
// Exit status: 0 when every file has no fatal, error or warning.
import com.adobe.epubcheck.api.EpubCheck;
import com.adobe.epubcheck.util.DefaultReportImpl;
import java.io.File;

public class EpubCheckBatch {
  public static void main(String[] args) {
    int bad = 0;
    for (String path : args) {
      DefaultReportImpl report = new DefaultReportImpl(path);
      int f, e, w, i;
      try {
        new EpubCheck(new File(path), report).doValidate();
        f = report.getFatalErrorCount();
        e = report.getErrorCount();
        w = report.getWarningCount();
        i = report.getInfoCount();
      } catch (RuntimeException ex) {
        System.err.println(path + ": EPUBCheck failed: " + ex);
        f = 1;
        e = w = i = 0;
      }
      System.out.println(path + "\tMessages: " + f + " fatals / " + e
                         + " errors / " + w + " warnings / " + i + " infos");
      if (f + e + w > 0)
        bad++;
    }
    System.exit(bad > 0 ? 1 : 0);
  }
}
