<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>main</name>
    <message>
        <source>Quantization Workbench</source>
        <translation>Quantization Workbench</translation>
    </message>
    <message>
        <source>ONNX model or project file (*.qwb) to open.</source>
        <translation>Zu öffnendes ONNX-Modell oder Projektdatei (*.qwb).</translation>
    </message>
    <message>
        <source>Render the main window to &lt;file&gt; (PNG) after the model loaded, then exit.</source>
        <translation>Hauptfenster nach dem Laden des Modells als PNG in &lt;datei&gt; speichern und beenden.</translation>
    </message>
    <message>
        <source>file</source>
        <translation>datei</translation>
    </message>
    <message>
        <source>Only one model can be opened.</source>
        <translation>Es kann nur ein Modell geöffnet werden.</translation>
    </message>
    <message>
        <source>Could not write %1</source>
        <translation>%1 konnte nicht geschrieben werden</translation>
    </message>
    <message>
        <source>Open the demo project (created on first use with the sample models and Fashion-MNIST).</source>
        <translation>Das Demoprojekt öffnen (wird beim ersten Aufruf mit den Beispielmodellen und Fashion-MNIST angelegt).</translation>
    </message>
    <message>
        <source>Create a demo project in &lt;dir&gt;, run a quantization and a sensitivity sweep, write one PNG per view to &lt;dir&gt;, then exit.</source>
        <translation>Ein Demoprojekt in &lt;ordner&gt; anlegen, eine Quantisierung und eine Sensitivitätsanalyse ausführen, je Ansicht ein PNG nach &lt;ordner&gt; schreiben und beenden.</translation>
    </message>
    <message>
        <source>dir</source>
        <translation>ordner</translation>
    </message>
</context>
<context>
    <name>qwb::ui</name>
    <message>
        <source>Quantization Workbench</source>
        <translation>Quantization Workbench</translation>
    </message>
</context>
<context>
    <name>qwb::ui::CompareView</name>
    <message>
        <source>%1 not found</source>
        <translation>%1 nicht gefunden</translation>
    </message>
    <message>
        <source>run %1 exported no model</source>
        <translation>Lauf %1 hat kein Modell exportiert</translation>
    </message>
    <message>
        <source>run %1 names no model</source>
        <translation>Lauf %1 nennt kein Modell</translation>
    </message>
    <message>
        <source>run %1 (%2)</source>
        <translation>Lauf %1 (%2)</translation>
    </message>
    <message>
        <source>Run %1 has no report: %2</source>
        <translation>Lauf %1 hat keinen Bericht: %2</translation>
    </message>
    <message>
        <source>Run %1 (%2) holds no FP32/quantized comparison with labels; it needs an evaluation on labelled data.</source>
        <translation>Lauf %1 (%2) enthält keinen Vergleich FP32/quantisiert mit Labels; dafür ist eine Evaluierung auf gelabelten Daten nötig.</translation>
    </message>
    <message>
        <source>FP32</source>
        <translation>FP32</translation>
    </message>
    <message>
        <source>Quantized</source>
        <translation>Quantisiert</translation>
    </message>
    <message>
        <source>The run names no evaluation data.</source>
        <translation>Der Lauf nennt keine Evaluierungsdaten.</translation>
    </message>
    <message>
        <source>Run %1 (%2): FP32 against quantized on %3 samples of %4.</source>
        <translation>Lauf %1 (%2): FP32 gegen quantisiert auf %3 Stichproben von %4.</translation>
    </message>
    <message>
        <source>Flipped samples are recorded by a quantize run (FP32 against quantized), not between two separate runs.</source>
        <translation>Geänderte Vorhersagen zeichnet ein Quantisierungslauf auf (FP32 gegen quantisiert), nicht zwei getrennte Läufe.</translation>
    </message>
    <message>
        <source>A: %1, B: %2.</source>
        <translation>A: %1, B: %2.</translation>
    </message>
    <message>
        <source>The two runs were evaluated on different data.</source>
        <translation>Die beiden Läufe wurden auf unterschiedlichen Daten evaluiert.</translation>
    </message>
    <message>
        <source>Per-layer output error is not recorded for this run.</source>
        <translation>Für diesen Lauf ist kein Ausgabefehler pro Schicht aufgezeichnet.</translation>
    </message>
    <message>
        <source>The run&apos;s documents are damaged: %1</source>
        <translation>Die Dokumente des Laufs sind beschädigt: %1</translation>
    </message>
    <message>
        <source>A</source>
        <translation>A</translation>
    </message>
    <message>
        <source>B</source>
        <translation>B</translation>
    </message>
    <message>
        <source>B − A</source>
        <translation>B − A</translation>
    </message>
    <message>
        <source>B / A</source>
        <translation>B / A</translation>
    </message>
    <message>
        <source>Measure latency</source>
        <translation>Latenz messen</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <source>Output SQNR (dB)</source>
        <translation>Ausgangs-SQNR (dB)</translation>
    </message>
    <message>
        <source>Output cosine</source>
        <translation>Ausgangs-Kosinus</translation>
    </message>
    <message>
        <source>Top-1</source>
        <translation>Top-1</translation>
    </message>
    <message>
        <source>Top-5</source>
        <translation>Top-5</translation>
    </message>
    <message>
        <source>Macro-F1</source>
        <translation>Makro-F1</translation>
    </message>
    <message>
        <source>ECE (lower is better)</source>
        <translation>ECE (niedriger ist besser)</translation>
    </message>
    <message>
        <source>Agreement (A vs B)</source>
        <translation>Übereinstimmung (A vs. B)</translation>
    </message>
    <message>
        <source>Output SQNR (B vs A)</source>
        <translation>Ausgangs-SQNR (B vs. A)</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Latency (median)</source>
        <translation>Latenz (Median)</translation>
    </message>
    <message>
        <source>Median of 20 runs at batch 1 after 3 warm-up runs</source>
        <translation>Median aus 20 Durchläufen bei Batch 1 nach 3 Aufwärmdurchläufen</translation>
    </message>
    <message>
        <source>No confusion matrix</source>
        <translation>Keine Konfusionsmatrix</translation>
    </message>
    <message>
        <source>Metrics, size and latency</source>
        <translation>Metriken, Größe und Latenz</translation>
    </message>
    <message>
        <source>Per-class F1</source>
        <translation>F1 pro Klasse</translation>
    </message>
    <message>
        <source>Flipped samples</source>
        <translation>Geänderte Vorhersagen</translation>
    </message>
    <message>
        <source>Per-layer error</source>
        <translation>Fehler pro Schicht</translation>
    </message>
    <message>
        <source>Loading run %1 …</source>
        <translation>Lauf %1 wird geladen …</translation>
    </message>
    <message>
        <source>No project.</source>
        <translation>Kein Projekt.</translation>
    </message>
    <message>
        <source>Loading the evaluation data …</source>
        <translation>Evaluierungsdaten werden geladen …</translation>
    </message>
    <message>
        <source>No sample changed its prediction.</source>
        <translation>Keine Stichprobe hat ihre Vorhersage geändert.</translation>
    </message>
    <message>
        <source>A: %1</source>
        <translation>A: %1</translation>
    </message>
    <message>
        <source>B: %1</source>
        <translation>B: %1</translation>
    </message>
    <message>
        <source>%1 pts</source>
        <translation>%1 Pkt.</translation>
    </message>
    <message>
        <source>not measured between these runs</source>
        <translation>zwischen diesen Läufen nicht gemessen</translation>
    </message>
    <message>
        <source>identical outputs</source>
        <translation>identische Ausgaben</translation>
    </message>
    <message>
        <source>%1 dB</source>
        <translation>%1 dB</translation>
    </message>
    <message>
        <source>F1</source>
        <translation>F1</translation>
    </message>
    <message>
        <source>A: %1 (rows: true, columns: predicted)</source>
        <translation>A: %1 (Zeilen: wahr, Spalten: vorhergesagt)</translation>
    </message>
    <message>
        <source>B − A (blue: more in B, red: fewer)</source>
        <translation>B − A (blau: mehr in B, rot: weniger)</translation>
    </message>
    <message>
        <source>The two matrices have different classes</source>
        <translation>Die beiden Matrizen haben unterschiedliche Klassen</translation>
    </message>
    <message>
        <source>exact</source>
        <translation>exakt</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1
A: %2%3
B: %4%5</source>
        <translation>%1
A: %2%3
B: %4%5</translation>
    </message>
    <message>
        <source>sample %1, true class %2
A predicts %3 (confidence %4)
B predicts %5 (confidence %6)</source>
        <translation>Stichprobe %1, wahre Klasse %2
A sagt %3 vorher (Konfidenz %4)
B sagt %5 vorher (Konfidenz %6)</translation>
    </message>
    <message numerus="yes">
        <source>%n sample(s) changed their prediction (true class, A&apos;s and B&apos;s prediction with confidence; green: B is right, red: B is wrong where A was right).</source>
        <translation>
            <numerusform>%n Stichprobe hat ihre Vorhersage geändert (wahre Klasse, Vorhersage von A und B mit Konfidenz; grün: B liegt richtig, rot: B liegt falsch, wo A richtig lag).</numerusform>
            <numerusform>%n Stichproben haben ihre Vorhersage geändert (wahre Klasse, Vorhersage von A und B mit Konfidenz; grün: B liegt richtig, rot: B liegt falsch, wo A richtig lag).</numerusform>
        </translation>
    </message>
    <message>
        <source>Showing the first %1; %2 more not shown.</source>
        <translation>Die ersten %1 werden angezeigt, %2 weitere nicht.</translation>
    </message>
    <message>
        <source>Images unavailable: %1</source>
        <translation>Bilder nicht verfügbar: %1</translation>
    </message>
    <message>
        <source>Measuring (batch 1, 20 runs each) …</source>
        <translation>Messung läuft (Batch 1, je 20 Durchläufe) …</translation>
    </message>
    <message>
        <source>Measured and stored with the run.</source>
        <translation>Gemessen und mit dem Lauf gespeichert.</translation>
    </message>
</context>
<context>
    <name>qwb::ui::ConfusionMatrixWidget</name>
    <message>
        <source>true %1, predicted %2: %3</source>
        <translation>wahr %1, vorhergesagt %2: %3</translation>
    </message>
</context>
<context>
    <name>qwb::ui::DataView</name>
    <message>
        <source>Fashion-MNIST, training set</source>
        <translation>Fashion-MNIST, Trainingsdaten</translation>
    </message>
    <message>
        <source>Fashion-MNIST, test set</source>
        <translation>Fashion-MNIST, Testdaten</translation>
    </message>
    <message>
        <source>IDX files (MNIST format)</source>
        <translation>IDX-Dateien (MNIST-Format)</translation>
    </message>
    <message>
        <source>NumPy array (.npy)</source>
        <translation>NumPy-Array (.npy)</translation>
    </message>
    <message>
        <source>NumPy archive (.npz)</source>
        <translation>NumPy-Archiv (.npz)</translation>
    </message>
    <message>
        <source>Image folder (one subfolder per class)</source>
        <translation>Bildordner (ein Unterordner pro Klasse)</translation>
    </message>
    <message>
        <source>ONNX test data (.pb folder)</source>
        <translation>ONNX-Testdaten (.pb-Ordner)</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>Durchsuchen...</translation>
    </message>
    <message>
        <source>model default</source>
        <translation>Modellvorgabe</translation>
    </message>
    <message>
        <source>1 (grayscale)</source>
        <translation>1 (Graustufen)</translation>
    </message>
    <message>
        <source>3 (RGB)</source>
        <translation>3 (RGB)</translation>
    </message>
    <message>
        <source>Per-channel mean after scaling to [0, 1], e.g. 0.485,0.456,0.406. Empty: the model&apos;s.</source>
        <translation>Mittelwert pro Kanal nach Skalierung auf [0, 1], z. B. 0.485,0.456,0.406. Leer: Vorgabe des Modells.</translation>
    </message>
    <message>
        <source>Per-channel standard deviation, e.g. 0.229,0.224,0.225. Empty: the model&apos;s.</source>
        <translation>Standardabweichung pro Kanal, z. B. 0.229,0.224,0.225. Leer: Vorgabe des Modells.</translation>
    </message>
    <message>
        <source>Images: resize the shorter side to this many pixels. Empty: the model&apos;s.</source>
        <translation>Bilder: kürzere Seite auf so viele Pixel skalieren. Leer: Vorgabe des Modells.</translation>
    </message>
    <message>
        <source>Images: center crop H,W or N. Empty: the model&apos;s.</source>
        <translation>Bilder: mittiger Zuschnitt H,W oder N. Leer: Vorgabe des Modells.</translation>
    </message>
    <message>
        <source>Images: decode as grayscale or RGB.</source>
        <translation>Bilder: als Graustufen oder RGB dekodieren.</translation>
    </message>
    <message>
        <source>Where the channels are: NCHW (channels first) or NHWC (channels last).</source>
        <translation>Lage der Kanäle: NCHW (Kanäle zuerst) oder NHWC (Kanäle zuletzt).</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>Laden</translation>
    </message>
    <message>
        <source>Source:</source>
        <translation>Quelle:</translation>
    </message>
    <message>
        <source>Mean:</source>
        <translation>Mittelwert:</translation>
    </message>
    <message>
        <source>Std:</source>
        <translation>Std.-Abw.:</translation>
    </message>
    <message>
        <source>Resize:</source>
        <translation>Skalierung:</translation>
    </message>
    <message>
        <source>Crop:</source>
        <translation>Zuschnitt:</translation>
    </message>
    <message>
        <source>Channels:</source>
        <translation>Kanäle:</translation>
    </message>
    <message>
        <source>Layout:</source>
        <translation>Layout:</translation>
    </message>
    <message>
        <source>Load a dataset</source>
        <translation>Datensatz laden</translation>
    </message>
    <message>
        <source>No dataset loaded.</source>
        <translation>Kein Datensatz geladen.</translation>
    </message>
    <message>
        <source>Attach to project</source>
        <translation>Zum Projekt hinzufügen</translation>
    </message>
    <message>
        <source>Loaded dataset</source>
        <translation>Geladener Datensatz</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Spec</source>
        <translation>Spezifikation</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>Stichproben</translation>
    </message>
    <message>
        <source>Classes</source>
        <translation>Klassen</translation>
    </message>
    <message>
        <source>Preprocessing</source>
        <translation>Vorverarbeitung</translation>
    </message>
    <message>
        <source>Datasets of the project</source>
        <translation>Datensätze des Projekts</translation>
    </message>
    <message>
        <source>Validate</source>
        <translation>Prüfen</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Prüfung</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Limit</source>
        <translation>Grenze</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
    <message>
        <source>Calibration:</source>
        <translation>Kalibrierung:</translation>
    </message>
    <message>
        <source>first</source>
        <translation>erste</translation>
    </message>
    <message>
        <source>Reference:</source>
        <translation>Referenz:</translation>
    </message>
    <message>
        <source>Calibration data validation</source>
        <translation>Prüfung der Kalibrierdaten</translation>
    </message>
    <message>
        <source>Labels file</source>
        <translation>Label-Datei</translation>
    </message>
    <message>
        <source> (model)</source>
        <translation> (Modell)</translation>
    </message>
    <message>
        <source> (default)</source>
        <translation> (Vorgabe)</translation>
    </message>
    <message>
        <source>keep</source>
        <translation>beibehalten</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keiner</translation>
    </message>
    <message>
        <source>%1 (model default)</source>
        <translation>%1 (Modellvorgabe)</translation>
    </message>
    <message>
        <source>Could not read the project&apos;s datasets: %1</source>
        <translation>Die Datensätze des Projekts konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>no labels</source>
        <translation>keine Labels</translation>
    </message>
    <message>
        <source>%1 (first %2, dataset %3)</source>
        <translation>%1 (erste %2, Datensatz %3)</translation>
    </message>
    <message>
        <source>%1 (dataset %2)</source>
        <translation>%1 (Datensatz %2)</translation>
    </message>
    <message>
        <source>Folder:</source>
        <translation>Ordner:</translation>
    </message>
    <message>
        <source>Archive:</source>
        <translation>Archiv:</translation>
    </message>
    <message>
        <source>Samples file:</source>
        <translation>Stichprobendatei:</translation>
    </message>
    <message>
        <source>Keys:</source>
        <translation>Schlüssel:</translation>
    </message>
    <message>
        <source>optional: KEY[,LABELKEY]</source>
        <translation>optional: SCHLÜSSEL[,LABELSCHLÜSSEL]</translation>
    </message>
    <message>
        <source>Input index:</source>
        <translation>Eingabeindex:</translation>
    </message>
    <message>
        <source>optional, default 0</source>
        <translation>optional, Vorgabe 0</translation>
    </message>
    <message>
        <source>Labels file:</source>
        <translation>Label-Datei:</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>optional</translation>
    </message>
    <message>
        <source>Dataset folder</source>
        <translation>Datensatzordner</translation>
    </message>
    <message>
        <source>IDX files (*-ubyte *-ubyte.gz *.idx *.gz);;All files (*)</source>
        <translation>IDX-Dateien (*-ubyte *-ubyte.gz *.idx *.gz);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>NumPy arrays (*.npy);;All files (*)</source>
        <translation>NumPy-Arrays (*.npy);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>NumPy archives (*.npz);;All files (*)</source>
        <translation>NumPy-Archive (*.npz);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Dataset file</source>
        <translation>Datensatzdatei</translation>
    </message>
    <message>
        <source>%1 is empty: choose the dataset&apos;s %2.</source>
        <translation>%1 ist leer: %2 des Datensatzes auswählen.</translation>
    </message>
    <message>
        <source>folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>file</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Mean: &apos;%1&apos; is not a list of numbers (e.g. 0.485,0.456,0.406).</source>
        <translation>Mittelwert: &apos;%1&apos; ist keine Liste von Zahlen (z. B. 0.485,0.456,0.406).</translation>
    </message>
    <message>
        <source>Std: &apos;%1&apos; is not a list of positive numbers (e.g. 0.229,0.224,0.225).</source>
        <translation>Std.-Abw.: &apos;%1&apos; ist keine Liste positiver Zahlen (z. B. 0.229,0.224,0.225).</translation>
    </message>
    <message>
        <source>Resize: &apos;%1&apos; is not a positive number of pixels.</source>
        <translation>Skalierung: &apos;%1&apos; ist keine positive Pixelanzahl.</translation>
    </message>
    <message>
        <source>Crop: &apos;%1&apos; is not H,W or N (positive pixel counts).</source>
        <translation>Zuschnitt: &apos;%1&apos; ist nicht H,W oder N (positive Pixelanzahlen).</translation>
    </message>
    <message>
        <source>Loading %1 ...</source>
        <translation>%1 wird geladen ...</translation>
    </message>
    <message>
        <source>Could not load %1: %2</source>
        <translation>%1 konnte nicht geladen werden: %2</translation>
    </message>
    <message>
        <source>Loaded %1.</source>
        <translation>%1 geladen.</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;Samples: %2 &amp;nbsp; Classes: %3 &amp;nbsp; Sample shape: %4&lt;br&gt;Preprocessing: %5</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;Stichproben: %2 &amp;nbsp; Klassen: %3 &amp;nbsp; Form einer Stichprobe: %4&lt;br&gt;Vorverarbeitung: %5</translation>
    </message>
    <message>
        <source>Load a dataset before attaching it.</source>
        <translation>Vor dem Hinzufügen einen Datensatz laden.</translation>
    </message>
    <message>
        <source>No project is open: open or create one to attach datasets.</source>
        <translation>Kein Projekt geöffnet: eines öffnen oder anlegen, um Datensätze hinzuzufügen.</translation>
    </message>
    <message>
        <source>Could not attach %1: %2</source>
        <translation>%1 konnte nicht hinzugefügt werden: %2</translation>
    </message>
    <message>
        <source>Attached %1 to the project (dataset %2).</source>
        <translation>%1 wurde dem Projekt hinzugefügt (Datensatz %2).</translation>
    </message>
    <message>
        <source>Choose a calibration set and a reference set.</source>
        <translation>Einen Kalibrier- und einen Referenzdatensatz auswählen.</translation>
    </message>
    <message>
        <source>Validating %1 samples of %2 against %3 ...</source>
        <translation>%1 Stichproben von %2 werden gegen %3 geprüft ...</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>ok</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Validation failed: %1</source>
        <translation>Prüfung fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>%1 check(s): %2 warning(s), %3 error(s).</source>
        <translation>%1 Prüfung(en): %2 Warnung(en), %3 Fehler.</translation>
    </message>
</context>
<context>
    <name>qwb::ui::DecisionTableModel</name>
    <message>
        <source>Seed values before the first measurement: %1</source>
        <translation>Startwerte vor der ersten Messung: %1</translation>
    </message>
    <message>
        <source>%1×</source>
        <translation>%1×</translation>
    </message>
    <message>
        <source>native</source>
        <translation>nativ</translation>
    </message>
    <message>
        <source>not native</source>
        <translation>nicht nativ</translation>
    </message>
    <message>
        <source>seed</source>
        <translation>Startwert</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>bearbeitet</translation>
    </message>
    <message>
        <source>measured</source>
        <translation>gemessen</translation>
    </message>
    <message>
        <source>Expected top-1 loss in points (fp32 minus quantized); editable, at least 0</source>
        <translation>Erwarteter Top-1-Verlust in Punkten (fp32 minus quantisiert); bearbeitbar, mindestens 0</translation>
    </message>
    <message>
        <source>fp32 bytes / quantized bytes; editable, greater than 0</source>
        <translation>fp32-Bytes / quantisierte Bytes; bearbeitbar, größer als 0</translation>
    </message>
    <message>
        <source>fp32 latency / quantized latency on this hardware; editable, greater than 0</source>
        <translation>fp32-Latenz / quantisierte Latenz auf dieser Hardware; bearbeitbar, größer als 0</translation>
    </message>
    <message>
        <source>The hardware&apos;s usual runtime runs the format natively; editable</source>
        <translation>Die übliche Laufzeitumgebung der Hardware führt das Format nativ aus; bearbeitbar</translation>
    </message>
    <message>
        <source>seed: the compiled-in prior; measured: the mean of this project&apos;s runs; edited: changed by hand</source>
        <translation>Startwert: die einkompilierte Vorannahme; gemessen: der Mittelwert der Läufe dieses Projekts; bearbeitet: von Hand geändert</translation>
    </message>
    <message>
        <source>Runs measured into the expected loss</source>
        <translation>In den erwarteten Verlust eingerechnete Läufe</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>Architektur</translation>
    </message>
    <message>
        <source>Hardware</source>
        <translation>Hardware</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>Expected loss (pts)</source>
        <translation>Erwarteter Verlust (Pkt.)</translation>
    </message>
    <message>
        <source>Compression</source>
        <translation>Kompression</translation>
    </message>
    <message>
        <source>Speed-up</source>
        <translation>Beschleunigung</translation>
    </message>
    <message>
        <source>Supported</source>
        <translation>Unterstützt</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>Läufe</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Anmerkungen</translation>
    </message>
    <message>
        <source>%1: &apos;%2&apos; is not a number; the row was not changed.</source>
        <translation>%1: &apos;%2&apos; ist keine Zahl; die Zeile wurde nicht geändert.</translation>
    </message>
    <message>
        <source>%1: the expected loss must be between 0 and 100 points, not %2; the row was not changed.</source>
        <translation>%1: Der erwartete Verlust muss zwischen 0 und 100 Punkten liegen, nicht bei %2; die Zeile wurde nicht geändert.</translation>
    </message>
    <message>
        <source>%1: %2 must be greater than 0, not %3; the row was not changed.</source>
        <translation>%1: %2 muss größer als 0 sein, nicht %3; die Zeile wurde nicht geändert.</translation>
    </message>
    <message>
        <source>the compression</source>
        <translation>Die Kompression</translation>
    </message>
    <message>
        <source>the speed-up</source>
        <translation>Die Beschleunigung</translation>
    </message>
    <message>
        <source>%1: no project is open, so the edit cannot be saved; open or create a project first.</source>
        <translation>%1: Kein Projekt geöffnet, daher kann die Änderung nicht gespeichert werden; zuerst ein Projekt öffnen oder anlegen.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1: the edit could not be saved to the project: %2</source>
        <translation>%1: Die Änderung konnte nicht im Projekt gespeichert werden: %2</translation>
    </message>
</context>
<context>
    <name>qwb::ui::DecisionTreeView</name>
    <message>
        <source>%1×</source>
        <translation>%1×</translation>
    </message>
    <message>
        <source>budget %1 pts · %2</source>
        <translation>Budget %1 Pkt. · %2</translation>
    </message>
    <message>
        <source>any (*)</source>
        <translation>beliebig (*)</translation>
    </message>
    <message numerus="yes">
        <source>%n row(s)</source>
        <translation>
            <numerusform>%n Zeile</numerusform>
            <numerusform>%n Zeilen</numerusform>
        </translation>
    </message>
    <message>
        <source>no rows</source>
        <translation>keine Zeilen</translation>
    </message>
    <message>
        <source>→ %1</source>
        <translation>→ %1</translation>
    </message>
    <message>
        <source>→ %1 (over budget)</source>
        <translation>→ %1 (über Budget)</translation>
    </message>
    <message>
        <source>%1  ★</source>
        <translation>%1  ★</translation>
    </message>
    <message>
        <source>loss %1 pts</source>
        <translation>Verlust %1 Pkt.</translation>
    </message>
    <message>
        <source>plan: %1 pts</source>
        <translation>Plan: %1 Pkt.</translation>
    </message>
    <message>
        <source>%1 smaller</source>
        <translation>%1 kleiner</translation>
    </message>
    <message>
        <source>%1 faster</source>
        <translation>%1 schneller</translation>
    </message>
    <message>
        <source>native</source>
        <translation>nativ</translation>
    </message>
    <message>
        <source>not native</source>
        <translation>nicht nativ</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>bearbeitet</translation>
    </message>
    <message numerus="yes">
        <source>measured, %n run(s)</source>
        <translation>
            <numerusform>gemessen, %n Lauf</numerusform>
            <numerusform>gemessen, %n Läufe</numerusform>
        </translation>
    </message>
    <message>
        <source>%1
scheme: %2
calibration: %3
%4</source>
        <translation>%1
Schema: %2
Kalibrierung: %3
%4</translation>
    </message>
</context>
<context>
    <name>qwb::ui::DecisionView</name>
    <message>
        <source>NVIDIA GPU</source>
        <translation>NVIDIA-GPU</translation>
    </message>
    <message>
        <source>AMD GPU</source>
        <translation>AMD-GPU</translation>
    </message>
    <message>
        <source>x86 CPU with VNNI</source>
        <translation>x86-CPU mit VNNI</translation>
    </message>
    <message>
        <source>x86 CPU without VNNI</source>
        <translation>x86-CPU ohne VNNI</translation>
    </message>
    <message>
        <source>ARM CPU</source>
        <translation>ARM-CPU</translation>
    </message>
    <message>
        <source>Mobile NPU</source>
        <translation>NPU (Mobilgerät)</translation>
    </message>
    <message>
        <source>run %1&apos;s sensitivity document is damaged: %2</source>
        <translation>Sensitivitätsdokument von Lauf %1 ist beschädigt: %2</translation>
    </message>
    <message>
        <source>Apply…</source>
        <translation>Anwenden…</translation>
    </message>
    <message>
        <source>Show all rows</source>
        <translation>Alle Zeilen anzeigen</translation>
    </message>
    <message>
        <source> pts</source>
        <translation> Pkt.</translation>
    </message>
    <message>
        <source>Top-1 points the quantized model may lose against fp32</source>
        <translation>Top-1-Punkte, die das quantisierte Modell gegenüber fp32 verlieren darf</translation>
    </message>
    <message>
        <source>balanced (compression × speed-up)</source>
        <translation>ausgewogen (Kompression × Beschleunigung)</translation>
    </message>
    <message>
        <source>size (compression)</source>
        <translation>Größe (Kompression)</translation>
    </message>
    <message>
        <source>latency (speed-up)</source>
        <translation>Latenz (Beschleunigung)</translation>
    </message>
    <message>
        <source>Ranks the formats that fit the budget</source>
        <translation>Ordnet die Formate, die ins Budget passen</translation>
    </message>
    <message>
        <source>Open a new quantize run with the recommended format</source>
        <translation>Einen neuen Quantisierungslauf mit dem empfohlenen Format öffnen</translation>
    </message>
    <message>
        <source>Hardware:</source>
        <translation>Hardware:</translation>
    </message>
    <message>
        <source>Accuracy budget:</source>
        <translation>Genauigkeitsbudget:</translation>
    </message>
    <message>
        <source>Goal:</source>
        <translation>Ziel:</translation>
    </message>
    <message>
        <source>Architecture:</source>
        <translation>Architektur:</translation>
    </message>
    <message>
        <source>Lookup table (double-click a loss, compression, speed-up or note to edit; edits are saved to the project)</source>
        <translation>Nachschlagetabelle (Verlust, Kompression, Beschleunigung oder Anmerkung zum Bearbeiten doppelklicken; Änderungen werden im Projekt gespeichert)</translation>
    </message>
    <message>
        <source>The sensitivity document cannot be used: %1</source>
        <translation>Das Sensitivitätsdokument ist nicht verwendbar: %1</translation>
    </message>
    <message>
        <source>The project&apos;s decision table cannot be read: %1</source>
        <translation>Die Entscheidungstabelle des Projekts kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>The project&apos;s runs of this model cannot be read: %1</source>
        <translation>Die Läufe dieses Modells im Projekt können nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>none detected</source>
        <translation>keine erkannt</translation>
    </message>
    <message>
        <source>detected: %1</source>
        <translation>erkannt: %1</translation>
    </message>
    <message>
        <source>detected</source>
        <translation>erkannt</translation>
    </message>
    <message>
        <source>chosen in the view</source>
        <translation>in der Ansicht gewählt</translation>
    </message>
    <message>
        <source>chosen in the view; detected %1</source>
        <translation>in der Ansicht gewählt; erkannt: %1</translation>
    </message>
    <message>
        <source>this machine</source>
        <translation>dieser Rechner</translation>
    </message>
    <message>
        <source>No architecture: open a model, or choose an architecture above.</source>
        <translation>Keine Architektur: ein Modell öffnen oder oben eine Architektur wählen.</translation>
    </message>
    <message>
        <source>Reading the project&apos;s decision table…</source>
        <translation>Entscheidungstabelle des Projekts wird gelesen…</translation>
    </message>
    <message>
        <source>The decision table is empty.</source>
        <translation>Die Entscheidungstabelle ist leer.</translation>
    </message>
    <message>
        <source>model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>chosen</source>
        <translation>gewählt</translation>
    </message>
    <message>
        <source>target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>No recommendation</source>
        <translation>Keine Empfehlung</translation>
    </message>
    <message>
        <source>Recommendation: %1</source>
        <translation>Empfehlung: %1</translation>
    </message>
    <message>
        <source>Expected loss %1 pts, within the budget of %2 pts; %3× smaller, %4× faster.</source>
        <translation>Erwarteter Verlust %1 Pkt., innerhalb des Budgets von %2 Pkt.; %3× kleiner, %4× schneller.</translation>
    </message>
    <message>
        <source>Expected loss %1 pts: the budget of %2 pts is NOT met; %3× smaller, %4× faster.</source>
        <translation>Erwarteter Verlust %1 Pkt.: Das Budget von %2 Pkt. wird NICHT eingehalten; %3× kleiner, %4× schneller.</translation>
    </message>
    <message>
        <source>Scheme:</source>
        <translation>Schema:</translation>
    </message>
    <message>
        <source>Calibration:</source>
        <translation>Kalibrierung:</translation>
    </message>
    <message>
        <source>Command:</source>
        <translation>Befehl:</translation>
    </message>
    <message>
        <source>Mixed plan:</source>
        <translation>Gemischter Plan:</translation>
    </message>
    <message>
        <source>%1 (estimated %2 pts)</source>
        <translation>%1 (geschätzt %2 Pkt.)</translation>
    </message>
    <message>
        <source>run a sensitivity analysis of the model to choose the layers kept in fp16</source>
        <translation>eine Sensitivitätsanalyse des Modells ausführen, um die in fp16 belassenen Schichten zu wählen</translation>
    </message>
    <message numerus="yes">
        <source>%1, %n run(s)</source>
        <translation>
            <numerusform>%1, %n Lauf</numerusform>
            <numerusform>%1, %n Läufe</numerusform>
        </translation>
    </message>
    <message>
        <source>Row:</source>
        <translation>Zeile:</translation>
    </message>
    <message>
        <source>Alternatives</source>
        <translation>Alternativen</translation>
    </message>
    <message>
        <source>format</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>loss pts</source>
        <translation>Verlust Pkt.</translation>
    </message>
    <message>
        <source>smaller</source>
        <translation>kleiner</translation>
    </message>
    <message>
        <source>faster</source>
        <translation>schneller</translation>
    </message>
    <message>
        <source>why</source>
        <translation>Begründung</translation>
    </message>
    <message>
        <source>Reasoning</source>
        <translation>Herleitung</translation>
    </message>
    <message>
        <source>Open a model to start a run</source>
        <translation>Ein Modell öffnen, um einen Lauf zu starten</translation>
    </message>
    <message>
        <source>No run configuration for %1: %2</source>
        <translation>Keine Laufkonfiguration für %1: %2</translation>
    </message>
</context>
<context>
    <name>qwb::ui::GraphView</name>
    <message>
        <source>(subgraph)</source>
        <translation>(Teilgraph)</translation>
    </message>
    <message>
        <source>(tensors)</source>
        <translation>(Tensoren)</translation>
    </message>
    <message>
        <source>%1 (%2 is worse)</source>
        <translation>%1 (%2 ist schlechter)</translation>
    </message>
    <message>
        <source>higher</source>
        <translation>höher</translation>
    </message>
    <message>
        <source>lower</source>
        <translation>niedriger</translation>
    </message>
    <message>
        <source>Find node by name or op type (Enter: next)</source>
        <translation>Knoten nach Name oder Op-Typ suchen (Enter: nächster)</translation>
    </message>
    <message>
        <source>No node matches &quot;%1&quot;.</source>
        <translation>Kein Knoten passt zu „%1“.</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Einpassen</translation>
    </message>
    <message>
        <source>Show the whole graph</source>
        <translation>Den ganzen Graphen anzeigen</translation>
    </message>
    <message>
        <source>Zoom in (+)</source>
        <translation>Vergrößern (+)</translation>
    </message>
    <message>
        <source>Zoom out (-)</source>
        <translation>Verkleinern (-)</translation>
    </message>
    <message>
        <source>F&amp;ind:</source>
        <translation>&amp;Suchen:</translation>
    </message>
    <message>
        <source>Select a node to see its attributes, tensors and weights.</source>
        <translation>Einen Knoten auswählen, um seine Attribute, Tensoren und Gewichte zu sehen.</translation>
    </message>
    <message>
        <source>No model loaded.</source>
        <translation>Kein Modell geladen.</translation>
    </message>
    <message numerus="yes">
        <source>Laying out %n node(s)…</source>
        <translation>
            <numerusform>%n Knoten wird angeordnet…</numerusform>
            <numerusform>%n Knoten werden angeordnet…</numerusform>
        </translation>
    </message>
    <message>
        <source>The graph could not be laid out: %1</source>
        <translation>Der Graph konnte nicht angeordnet werden: %1</translation>
    </message>
    <message>
        <source>%1 nodes, %2 edges; laid out in %3.</source>
        <translation>%1 Knoten, %2 Kanten; angeordnet in %3.</translation>
    </message>
    <message>
        <source>Tensor</source>
        <translation>Tensor</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>Form</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>opset %1, node %2 of %3</source>
        <translation>Opset %1, Knoten %2 von %3</translation>
    </message>
    <message>
        <source>Inputs</source>
        <translation>Eingaben</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>Gewichte</translation>
    </message>
    <message>
        <source>Outputs</source>
        <translation>Ausgaben</translation>
    </message>
    <message>
        <source>Attributes</source>
        <translation>Attribute</translation>
    </message>
</context>
<context>
    <name>qwb::ui::LayerTableModel</name>
    <message>
        <source>#</source>
        <translation>Nr.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Op type</source>
        <translation>Op-Typ</translation>
    </message>
    <message>
        <source>Input shapes</source>
        <translation>Eingabeformen</translation>
    </message>
    <message>
        <source>Output shapes</source>
        <translation>Ausgabeformen</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <source>MACs</source>
        <translation>MACs</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>Sensitivity</source>
        <translation>Sensitivität</translation>
    </message>
</context>
<context>
    <name>qwb::ui::MainWindow</name>
    <message>
        <source>Sensitivity</source>
        <translation>Sensitivität</translation>
    </message>
    <message>
        <source>Open &amp;Project...</source>
        <translation>&amp;Projekt öffnen...</translation>
    </message>
    <message>
        <source>Open a project file (*.qwb) and list its runs</source>
        <translation>Eine Projektdatei (*.qwb) öffnen und ihre Läufe anzeigen</translation>
    </message>
    <message>
        <source>Open Project</source>
        <translation>Projekt öffnen</translation>
    </message>
    <message>
        <source>Workbench projects (*.qwb);;All files (*)</source>
        <translation>Workbench-Projekte (*.qwb);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Opening %1...</source>
        <translation>%1 wird geöffnet...</translation>
    </message>
    <message>
        <source>Could not open project</source>
        <translation>Projekt konnte nicht geöffnet werden</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n run(s)</source>
        <translation>
            <numerusform>%1: %n Lauf</numerusform>
            <numerusform>%1: %n Läufe</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not show run</source>
        <translation>Lauf kann nicht angezeigt werden</translation>
    </message>
    <message>
        <source>Could not read run %1</source>
        <translation>Lauf %1 konnte nicht gelesen werden</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>Projekt</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Open Model...</source>
        <translation>Modell ö&amp;ffnen...</translation>
    </message>
    <message>
        <source>Open an ONNX model and show its structure</source>
        <translation>Ein ONNX-Modell öffnen und seine Struktur anzeigen</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnete Modelle</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Quantization Workbench</source>
        <translation>&amp;Über Quantization Workbench</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <source>Open Model</source>
        <translation>Modell öffnen</translation>
    </message>
    <message>
        <source>ONNX models (*.onnx);;All files (*)</source>
        <translation>ONNX-Modelle (*.onnx);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>About Quantization Workbench</source>
        <translation>Über Quantization Workbench</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Quantization Workbench %1&lt;/h3&gt;&lt;p&gt;Inspect, quantize and compare ONNX models.&lt;/p&gt;&lt;p&gt;Built with Qt %2, running on Qt %3.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Quantization Workbench %1&lt;/h3&gt;&lt;p&gt;ONNX-Modelle untersuchen, quantisieren und vergleichen.&lt;/p&gt;&lt;p&gt;Erstellt mit Qt %2, läuft mit Qt %3.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&amp;Clear Menu</source>
        <translation>Menü &amp;leeren</translation>
    </message>
    <message>
        <source>Loading %1...</source>
        <translation>%1 wird geladen...</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n node(s), loaded in %2</source>
        <translation>
            <numerusform>%1: %n Knoten, geladen in %2</numerusform>
            <numerusform>%1: %n Knoten, geladen in %2</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not open %1</source>
        <translation>%1 konnte nicht geöffnet werden</translation>
    </message>
    <message>
        <source>Could not open model</source>
        <translation>Modell konnte nicht geöffnet werden</translation>
    </message>
    <message>
        <source>Graph</source>
        <translation>Graph</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Daten</translation>
    </message>
    <message>
        <source>Tensors</source>
        <translation>Tensoren</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>Entscheidung</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>Vergleich</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>Läufe</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>&amp;New Project...</source>
        <translation>&amp;Neues Projekt...</translation>
    </message>
    <message>
        <source>Create a project file (*.qwb) that records models, data and runs</source>
        <translation>Eine Projektdatei (*.qwb) anlegen, die Modelle, Daten und Läufe festhält</translation>
    </message>
    <message>
        <source>Open &amp;Demo Project</source>
        <translation>&amp;Demoprojekt öffnen</translation>
    </message>
    <message>
        <source>The sample models with Fashion-MNIST attached, ready for a first run</source>
        <translation>Die Beispielmodelle mit Fashion-MNIST, bereit für einen ersten Lauf</translation>
    </message>
    <message>
        <source>Ctrl+Shift+O</source>
        <translation>Ctrl+Shift+O</translation>
    </message>
    <message>
        <source>Recent P&amp;rojects</source>
        <translation>Zuletzt geöffnete P&amp;rojekte</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>&amp;Lauf</translation>
    </message>
    <message>
        <source>&amp;New Run...</source>
        <translation>&amp;Neuer Lauf...</translation>
    </message>
    <message>
        <source>Ctrl+R</source>
        <translation>Ctrl+R</translation>
    </message>
    <message>
        <source>Calibrate, quantize, evaluate and export in the background</source>
        <translation>Im Hintergrund kalibrieren, quantisieren, evaluieren und exportieren</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>&amp;Einstellungen</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Systemvorgabe</translation>
    </message>
    <message>
        <source>The language changes when the workbench starts again.</source>
        <translation>Die Sprache wechselt beim nächsten Start der Workbench.</translation>
    </message>
    <message>
        <source>New Project</source>
        <translation>Neues Projekt</translation>
    </message>
    <message>
        <source>Workbench projects (*.qwb)</source>
        <translation>Workbench-Projekte (*.qwb)</translation>
    </message>
    <message>
        <source>No project</source>
        <translation>Kein Projekt</translation>
    </message>
    <message>
        <source>Open or create a project first.</source>
        <translation>Zuerst ein Projekt öffnen oder anlegen.</translation>
    </message>
    <message>
        <source>Runs and their results are recorded in a project file (File &gt; New Project).</source>
        <translation>Läufe und ihre Ergebnisse werden in einer Projektdatei festgehalten (Datei &gt; Neues Projekt).</translation>
    </message>
    <message>
        <source>sensitivity (output NMSE)</source>
        <translation>Sensitivität (Ausgangs-NMSE)</translation>
    </message>
    <message>
        <source>output SQNR (dB)</source>
        <translation>Ausgangs-SQNR (dB)</translation>
    </message>
    <message>
        <source>Write a review report of a run: HTML, PDF, Markdown, CSV or JSON</source>
        <translation>Einen Prüfbericht eines Laufs schreiben: HTML, PDF, Markdown, CSV oder JSON</translation>
    </message>
    <message>
        <source>E&amp;xport Report...</source>
        <translation>Bericht e&amp;xportieren...</translation>
    </message>
</context>
<context>
    <name>qwb::ui::ModelSummaryPanel</name>
    <message>
        <source>File:</source>
        <translation>Datei:</translation>
    </message>
    <message>
        <source>Producer:</source>
        <translation>Erzeuger:</translation>
    </message>
    <message>
        <source>IR version:</source>
        <translation>IR-Version:</translation>
    </message>
    <message>
        <source>Opset:</source>
        <translation>Opset:</translation>
    </message>
    <message>
        <source>Nodes:</source>
        <translation>Knoten:</translation>
    </message>
    <message>
        <source>Parameters:</source>
        <translation>Parameter:</translation>
    </message>
    <message>
        <source>Parameter size:</source>
        <translation>Parametergröße:</translation>
    </message>
    <message>
        <source>MACs (batch 1):</source>
        <translation>MACs (Batch 1):</translation>
    </message>
    <message>
        <source>Architecture:</source>
        <translation>Architektur:</translation>
    </message>
    <message>
        <source>Inputs:</source>
        <translation>Eingaben:</translation>
    </message>
    <message>
        <source>Outputs:</source>
        <translation>Ausgaben:</translation>
    </message>
    <message>
        <source>Metadata:</source>
        <translation>Metadaten:</translation>
    </message>
    <message>
        <source>Notices:</source>
        <translation>Hinweise:</translation>
    </message>
    <message>
        <source>Unsupported ops:</source>
        <translation>Nicht unterstützte Ops:</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
</context>
<context>
    <name>qwb::ui::ModelView</name>
    <message>
        <source>Filter layers by name or op type</source>
        <translation>Schichten nach Name oder Op-Typ filtern</translation>
    </message>
    <message numerus="yes">
        <source>%n layer(s)</source>
        <translation>
            <numerusform>%n Schicht</numerusform>
            <numerusform>%n Schichten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n layer(s)</source>
        <translation>
            <numerusform>%1 von %n Schicht</numerusform>
            <numerusform>%1 von %n Schichten</numerusform>
        </translation>
    </message>
    <message>
        <source>Fi&amp;lter:</source>
        <translation>Fi&amp;lter:</translation>
    </message>
    <message>
        <source>No model loaded.
Use File &gt; Open Model or drop an .onnx file on the window.</source>
        <translation>Kein Modell geladen.
Datei &gt; Modell öffnen verwenden oder eine .onnx-Datei auf das Fenster ziehen.</translation>
    </message>
    <message numerus="yes">
        <source>New Run Keeping %n Layer(s) in Float...</source>
        <translation>
            <numerusform>Neuer Lauf mit %n Schicht in Float...</numerusform>
            <numerusform>Neuer Lauf mit %n Schichten in Float...</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qwb::ui::Names</name>
    <message>
        <source>quantize</source>
        <translation>Quantisierung</translation>
    </message>
    <message>
        <source>calibrate</source>
        <translation>Kalibrierung</translation>
    </message>
    <message>
        <source>evaluate</source>
        <translation>Evaluierung</translation>
    </message>
    <message>
        <source>export</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>sensitivity</source>
        <translation>Sensitivität</translation>
    </message>
    <message>
        <source>mixed precision</source>
        <translation>gemischte Genauigkeit</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>wartend</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>succeeded</source>
        <translation>erfolgreich</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>unterbrochen</translation>
    </message>
    <message>
        <source>symmetric</source>
        <translation>symmetrisch</translation>
    </message>
    <message>
        <source>affine</source>
        <translation>affin</translation>
    </message>
    <message>
        <source>per-channel</source>
        <translation>pro Kanal</translation>
    </message>
    <message>
        <source>per-tensor</source>
        <translation>pro Tensor</translation>
    </message>
    <message>
        <source>block</source>
        <translation>Block</translation>
    </message>
    <message>
        <source>with</source>
        <translation>mit</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
</context>
<context>
    <name>qwb::ui::NewRunDialog</name>
    <message>
        <source>Quantize: calibrate, quantize, evaluate, export</source>
        <translation>Quantisieren: kalibrieren, quantisieren, evaluieren, exportieren</translation>
    </message>
    <message>
        <source>Mixed precision (autoquant)</source>
        <translation>Gemischte Genauigkeit (autoquant)</translation>
    </message>
    <message>
        <source>Per-layer sensitivity</source>
        <translation>Sensitivität pro Schicht</translation>
    </message>
    <message>
        <source>Evaluate FP32</source>
        <translation>FP32 evaluieren</translation>
    </message>
    <message>
        <source>7-bit ranges (reduce_range) for CPUs without VNNI</source>
        <translation>7-Bit-Bereiche (reduce_range) für CPUs ohne VNNI</translation>
    </message>
    <message>
        <source>Mixed precision</source>
        <translation>Gemischte Genauigkeit</translation>
    </message>
    <message>
        <source>relative (% of FP32 top-1)</source>
        <translation>relativ (% der FP32-Top-1)</translation>
    </message>
    <message>
        <source>New Run</source>
        <translation>Neuer Lauf</translation>
    </message>
    <message>
        <source>Calibration samples (256 is enough for most CNNs)</source>
        <translation>Kalibrierstichproben (256 genügen für die meisten CNNs)</translation>
    </message>
    <message>
        <source>all</source>
        <translation>alle</translation>
    </message>
    <message>
        <source>Use only the first N evaluation samples (0: all)</source>
        <translation>Nur die ersten N Evaluierungsstichproben verwenden (0: alle)</translation>
    </message>
    <message>
        <source>fashion-mnist:train | idx:IMAGES[,LABELS] | npy:FILE | npz:FILE | images:DIR | pb:DIR</source>
        <translation>fashion-mnist:train | idx:BILDER[,LABELS] | npy:DATEI | npz:DATEI | images:ORDNER | pb:ORDNER</translation>
    </message>
    <message>
        <source>Labelled data for FP32 vs quantized accuracy; empty: no evaluation</source>
        <translation>Gelabelte Daten für die Genauigkeit FP32 vs. quantisiert; leer: keine Evaluierung</translation>
    </message>
    <message>
        <source>How activation ranges are chosen from the calibration histograms</source>
        <translation>Wie die Aktivierungsbereiche aus den Kalibrierhistogrammen gewählt werden</translation>
    </message>
    <message>
        <source>node names kept in float, comma-separated</source>
        <translation>in Float belassene Knotennamen, durch Kommas getrennt</translation>
    </message>
    <message>
        <source>no export</source>
        <translation>kein Export</translation>
    </message>
    <message>
        <source> points</source>
        <translation> Punkte</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>Durchsuchen...</translation>
    </message>
    <message>
        <source>samples</source>
        <translation>Stichproben</translation>
    </message>
    <message>
        <source>seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <source>limit</source>
        <translation>Limit</translation>
    </message>
    <message>
        <source>Pick...</source>
        <translation>Auswählen...</translation>
    </message>
    <message>
        <source>Choose layers to keep in float from the model&apos;s quantizable layers</source>
        <translation>Unter den quantisierbaren Schichten des Modells die in Float zu belassenden wählen</translation>
    </message>
    <message>
        <source>Task:</source>
        <translation>Aufgabe:</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>Modell:</translation>
    </message>
    <message>
        <source>Calibration data:</source>
        <translation>Kalibrierdaten:</translation>
    </message>
    <message>
        <source>Evaluation data:</source>
        <translation>Evaluierungsdaten:</translation>
    </message>
    <message>
        <source>Weights:</source>
        <translation>Gewichte:</translation>
    </message>
    <message>
        <source>Activations:</source>
        <translation>Aktivierungen:</translation>
    </message>
    <message>
        <source>Calibration method:</source>
        <translation>Kalibrierverfahren:</translation>
    </message>
    <message>
        <source>Keep in float:</source>
        <translation>In Float belassen:</translation>
    </message>
    <message>
        <source>Export to:</source>
        <translation>Exportieren nach:</translation>
    </message>
    <message>
        <source>Accuracy budget (top-1 drop):</source>
        <translation>Genauigkeitsbudget (Top-1-Verlust):</translation>
    </message>
    <message>
        <source>Objective:</source>
        <translation>Zielgröße:</translation>
    </message>
    <message>
        <source>Time budget:</source>
        <translation>Zeitbudget:</translation>
    </message>
    <message>
        <source>Choose a model.</source>
        <translation>Ein Modell auswählen.</translation>
    </message>
    <message>
        <source>Model: %1 does not exist.</source>
        <translation>Modell: %1 existiert nicht.</translation>
    </message>
    <message>
        <source>Evaluation data: choose a labelled dataset.</source>
        <translation>Evaluierungsdaten: einen gelabelten Datensatz wählen.</translation>
    </message>
    <message>
        <source>Calibration data: choose a dataset.</source>
        <translation>Kalibrierdaten: einen Datensatz wählen.</translation>
    </message>
    <message>
        <source>Weights: %1</source>
        <translation>Gewichte: %1</translation>
    </message>
    <message>
        <source>Activations: %1</source>
        <translation>Aktivierungen: %1</translation>
    </message>
    <message>
        <source>Keep in float: the model has no quantizable layer &apos;%1&apos;.</source>
        <translation>In Float belassen: Das Modell hat keine quantisierbare Schicht &apos;%1&apos;.</translation>
    </message>
    <message>
        <source>Evaluation data: the sweep needs data to measure on.</source>
        <translation>Evaluierungsdaten: Die Analyse braucht Daten zum Messen.</translation>
    </message>
    <message>
        <source>Export to: the folder of %1 does not exist.</source>
        <translation>Exportieren nach: Der Ordner von %1 existiert nicht.</translation>
    </message>
    <message>
        <source>Evaluation data: the search needs data to measure the budget on.</source>
        <translation>Evaluierungsdaten: Die Suche braucht Daten, um das Budget zu messen.</translation>
    </message>
    <message>
        <source>Keep Layers in Float</source>
        <translation>Schichten in Float belassen</translation>
    </message>
    <message>
        <source>Open the model first to list its layers.</source>
        <translation>Zuerst das Modell öffnen, um seine Schichten aufzulisten.</translation>
    </message>
    <message>
        <source>Checked layers keep float weights and inputs.</source>
        <translation>Markierte Schichten behalten Float-Gewichte und -Eingaben.</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>ONNX models (*.onnx);;All files (*)</source>
        <translation>ONNX-Modelle (*.onnx);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Export to</source>
        <translation>Exportieren nach</translation>
    </message>
    <message>
        <source>ONNX models (*.onnx)</source>
        <translation>ONNX-Modelle (*.onnx)</translation>
    </message>
    <message>
        <source>first N</source>
        <translation>erste N</translation>
    </message>
    <message>
        <source>random</source>
        <translation>zufällig</translation>
    </message>
    <message>
        <source>stratified by label</source>
        <translation>nach Label geschichtet</translation>
    </message>
    <message>
        <source>per channel</source>
        <translation>pro Kanal</translation>
    </message>
    <message>
        <source>per tensor</source>
        <translation>pro Tensor</translation>
    </message>
    <message>
        <source>blocks of 32</source>
        <translation>Blöcke zu 32</translation>
    </message>
    <message>
        <source>blocks of 64</source>
        <translation>Blöcke zu 64</translation>
    </message>
    <message>
        <source>blocks of 128</source>
        <translation>Blöcke zu 128</translation>
    </message>
    <message>
        <source>MinMax</source>
        <translation>MinMax</translation>
    </message>
    <message>
        <source>Percentile (99.999)</source>
        <translation>Perzentil (99,999)</translation>
    </message>
    <message>
        <source>Entropy (KL)</source>
        <translation>Entropie (KL)</translation>
    </message>
    <message>
        <source>MSE</source>
        <translation>MSE</translation>
    </message>
    <message>
        <source>model size</source>
        <translation>Modellgröße</translation>
    </message>
    <message>
        <source>bit operations</source>
        <translation>Bit-Operationen</translation>
    </message>
    <message>
        <source>measured latency</source>
        <translation>gemessene Latenz</translation>
    </message>
    <message>
        <source>none (weight-only)</source>
        <translation>keine (nur Gewichte)</translation>
    </message>
</context>
<context>
    <name>qwb::ui::OpCountChart</name>
    <message>
        <source>Operators by type</source>
        <translation>Operatoren nach Typ</translation>
    </message>
    <message>
        <source>Operators by type (the %1 most frequent of %2)</source>
        <translation>Operatoren nach Typ (die %1 häufigsten von %2)</translation>
    </message>
</context>
<context>
    <name>qwb::ui::OpCountModel</name>
    <message>
        <source>Op type</source>
        <translation>Op-Typ</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Anzahl</translation>
    </message>
</context>
<context>
    <name>qwb::ui::ProjectExplorer</name>
    <message>
        <source>Runs</source>
        <translation>Läufe</translation>
    </message>
    <message>
        <source>#%1 %2 (%3)</source>
        <translation>#%1 %2 (%3)</translation>
    </message>
    <message>
        <source>Run %1: %2, %3, created %4%5</source>
        <translation>Lauf %1: %2, %3, erstellt %4%5</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <source>Datasets</source>
        <translation>Datensätze</translation>
    </message>
    <message>
        <source>%1 (first %2)</source>
        <translation>%1 (erste %2)</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n sample(s), %2 classes
%3</source>
        <translation>
            <numerusform>%1: %n Stichprobe, %2 Klassen
%3</numerusform>
            <numerusform>%1: %n Stichproben, %2 Klassen
%3</numerusform>
        </translation>
    </message>
    <message>
        <source>Export Report...</source>
        <translation>Bericht exportieren...</translation>
    </message>
</context>
<context>
    <name>qwb::ui::ReportDialog</name>
    <message>
        <source>CSV (per-layer and per-class tables)</source>
        <translation>CSV (Tabellen pro Schicht und pro Klasse)</translation>
    </message>
    <message>
        <source>HTML files (*.html *.htm)</source>
        <translation>HTML-Dateien (*.html *.htm)</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF-Dateien (*.pdf)</translation>
    </message>
    <message>
        <source>Markdown files (*.md)</source>
        <translation>Markdown-Dateien (*.md)</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>JSON-Dateien (*.json)</translation>
    </message>
    <message>
        <source>Accuracy budget:</source>
        <translation>Genauigkeitsbudget:</translation>
    </message>
    <message>
        <source>Measure latency if not stored</source>
        <translation>Latenz messen, falls nicht gespeichert</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <source>Export Report</source>
        <translation>Bericht exportieren</translation>
    </message>
    <message>
        <source>A second run shown beside the first in every section</source>
        <translation>Ein zweiter Lauf, in jedem Abschnitt neben dem ersten gezeigt</translation>
    </message>
    <message>
        <source>The hardware the decision section recommends formats for</source>
        <translation>Die Hardware, für die der Entscheidungsabschnitt Formate empfiehlt</translation>
    </message>
    <message>
        <source> points</source>
        <translation> Punkte</translation>
    </message>
    <message>
        <source>Largest acceptable top-1 drop for the decision section</source>
        <translation>Größter akzeptabler Top-1-Verlust für den Entscheidungsabschnitt</translation>
    </message>
    <message>
        <source>off: the run&apos;s gate threshold, else 1.0 points</source>
        <translation>aus: die Gate-Schwelle des Laufs, sonst 1,0 Punkte</translation>
    </message>
    <message>
        <source>Benchmarks FP32 and the exported model (batch 1, median of 20) and stores the result with the run</source>
        <translation>Misst FP32 und das exportierte Modell (Batch 1, Median aus 20) und speichert das Ergebnis mit dem Lauf</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>Durchsuchen...</translation>
    </message>
    <message>
        <source>Run:</source>
        <translation>Lauf:</translation>
    </message>
    <message>
        <source>Compare with:</source>
        <translation>Vergleichen mit:</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>Format:</translation>
    </message>
    <message>
        <source>Output file:</source>
        <translation>Ausgabedatei:</translation>
    </message>
    <message>
        <source>Target hardware:</source>
        <translation>Zielhardware:</translation>
    </message>
    <message>
        <source>No project is open.</source>
        <translation>Kein Projekt geöffnet.</translation>
    </message>
    <message>
        <source>#%1 %2</source>
        <translation>#%1 %2</translation>
    </message>
    <message>
        <source>Could not read the runs of %1: %2</source>
        <translation>Die Läufe von %1 konnten nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>The project has no succeeded run to report on.</source>
        <translation>Das Projekt hat keinen erfolgreichen Lauf für einen Bericht.</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keiner</translation>
    </message>
    <message>
        <source>Choose an output file.</source>
        <translation>Bitte eine Ausgabedatei wählen.</translation>
    </message>
    <message>
        <source>Building the report...</source>
        <translation>Bericht wird erstellt...</translation>
    </message>
    <message>
        <source>Writing %1...</source>
        <translation>%1 wird geschrieben...</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Wrote %1</source>
        <translation>%1 geschrieben</translation>
    </message>
</context>
<context>
    <name>qwb::ui::RunManager</name>
    <message>
        <source>Quantize %1 (%2)</source>
        <translation>%1 quantisieren (%2)</translation>
    </message>
    <message>
        <source>Mixed precision %1 (budget %2 %3)</source>
        <translation>Gemischte Genauigkeit %1 (Budget %2 %3)</translation>
    </message>
    <message>
        <source>points</source>
        <translation>Punkte</translation>
    </message>
    <message>
        <source>Sensitivity %1 (%2)</source>
        <translation>Sensitivität %1 (%2)</translation>
    </message>
    <message>
        <source>Evaluate %1 on %2</source>
        <translation>%1 auf %2 evaluieren</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>wartend</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>succeeded</source>
        <translation>erfolgreich</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>cancelled before it started</source>
        <translation>vor dem Start abgebrochen</translation>
    </message>
    <message>
        <source>cancelling...</source>
        <translation>wird abgebrochen...</translation>
    </message>
    <message>
        <source>started</source>
        <translation>gestartet</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>finished in %1</source>
        <translation>fertig in %1</translation>
    </message>
    <message>
        <source>FP32 top-1 %1, quantized %2 (%3 points), agreement %4</source>
        <translation>FP32-Top-1 %1, quantisiert %2 (%3 Punkte), Übereinstimmung %4</translation>
    </message>
    <message>
        <source>wrote %1 (%2)</source>
        <translation>%1 geschrieben (%2)</translation>
    </message>
    <message>
        <source>notice: %1</source>
        <translation>Hinweis: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n layer(s) ranked</source>
        <translation>
            <numerusform>Rangfolge für %n Schicht</numerusform>
            <numerusform>Rangfolge für %n Schichten</numerusform>
        </translation>
    </message>
    <message>
        <source>top-1 %1, top-5 %2</source>
        <translation>Top-1 %1, Top-5 %2</translation>
    </message>
</context>
<context>
    <name>qwb::ui::RunsPanel</name>
    <message>
        <source>Job</source>
        <translation>Auftrag</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Elapsed</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <source>Select a job to see its log.</source>
        <translation>Einen Auftrag auswählen, um sein Protokoll zu sehen.</translation>
    </message>
    <message>
        <source>New Run...</source>
        <translation>Neuer Lauf...</translation>
    </message>
    <message>
        <source>Calibrate, quantize, evaluate and export in the background</source>
        <translation>Im Hintergrund kalibrieren, quantisieren, evaluieren und exportieren</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Stop this job; what it has stored so far is kept</source>
        <translation>Diesen Auftrag stoppen; was er bisher gespeichert hat, bleibt erhalten</translation>
    </message>
</context>
<context>
    <name>qwb::ui::SensitivityView</name>
    <message>
        <source>weights</source>
        <translation>Gewichte</translation>
    </message>
    <message>
        <source>activations</source>
        <translation>Aktivierungen</translation>
    </message>
    <message>
        <source>weights and activations</source>
        <translation>Gewichte und Aktivierungen</translation>
    </message>
    <message>
        <source>all but this layer: %1</source>
        <translation>alle außer dieser Schicht: %1</translation>
    </message>
    <message>
        <source>only %1</source>
        <translation>nur %1</translation>
    </message>
    <message>
        <source>Output SQNR (dB, lower is worse)</source>
        <translation>Ausgangs-SQNR (dB, niedriger ist schlechter)</translation>
    </message>
    <message>
        <source>Top-1 change (points)</source>
        <translation>Top-1-Änderung (Punkte)</translation>
    </message>
    <message>
        <source>Logits KL divergence</source>
        <translation>KL-Divergenz der Logits</translation>
    </message>
    <message>
        <source>Local SQNR of the layer output (dB)</source>
        <translation>Lokales SQNR der Schichtausgabe (dB)</translation>
    </message>
    <message>
        <source>Metric:</source>
        <translation>Metrik:</translation>
    </message>
    <message>
        <source>%1: %2 layers, %3 of %4 samples%5</source>
        <translation>%1: %2 Schichten, %3 von %4 Stichproben%5</translation>
    </message>
    <message>
        <source> (cancelled: partial results)</source>
        <translation> (abgebrochen: Teilergebnisse)</translation>
    </message>
    <message>
        <source>The sensitivity document of this run is damaged: %1</source>
        <translation>Das Sensitivitätsdokument dieses Laufs ist beschädigt: %1</translation>
    </message>
    <message>
        <source>Layers, most harmful first</source>
        <translation>Schichten, schädlichste zuerst</translation>
    </message>
    <message>
        <source>Error along the graph</source>
        <translation>Fehler entlang des Graphen</translation>
    </message>
    <message>
        <source>accumulated (whole model quantized)</source>
        <translation>akkumuliert (ganzes Modell quantisiert)</translation>
    </message>
    <message>
        <source>local (only the producing layer quantized)</source>
        <translation>lokal (nur die erzeugende Schicht quantisiert)</translation>
    </message>
    <message>
        <source>tensor in graph order</source>
        <translation>Tensor in Graphreihenfolge</translation>
    </message>
    <message>
        <source>SQNR (dB)</source>
        <translation>SQNR (dB)</translation>
    </message>
</context>
<context>
    <name>qwb::ui::TensorsView</name>
    <message>
        <source>Logarithmic counts</source>
        <translation>Logarithmische Häufigkeiten</translation>
    </message>
    <message>
        <source>Filter tensors by name</source>
        <translation>Tensoren nach Name filtern</translation>
    </message>
    <message>
        <source>All tensors</source>
        <translation>Alle Tensoren</translation>
    </message>
    <message>
        <source>Activations</source>
        <translation>Aktivierungen</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>Gewichte</translation>
    </message>
    <message>
        <source>Tensor</source>
        <translation>Tensor</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>Calibration</source>
        <translation>Kalibrierung</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>Form</translation>
    </message>
    <message>
        <source>Min</source>
        <translation>Min</translation>
    </message>
    <message>
        <source>Max</source>
        <translation>Max</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Verfahren</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>Untergrenze</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Obergrenze</translation>
    </message>
    <message>
        <source>Scale</source>
        <translation>Skala</translation>
    </message>
    <message>
        <source>Zero point</source>
        <translation>Nullpunkt</translation>
    </message>
    <message>
        <source>Expected MSE</source>
        <translation>Erwarteter MSE</translation>
    </message>
    <message>
        <source>Expected SQNR (dB)</source>
        <translation>Erwartetes SQNR (dB)</translation>
    </message>
    <message>
        <source>Expected error: every value of a histogram bin taken at the bin centre, quantized with round half to even, clamped to the integer range and dequantized</source>
        <translation>Erwarteter Fehler: jeder Wert eines Histogramm-Bins als Bin-Mitte angenommen, mit Rundung zur geraden Zahl (round half to even) quantisiert, auf den Ganzzahlbereich begrenzt und dequantisiert</translation>
    </message>
    <message>
        <source>Drag to zoom, right-click to zoom out, double-click to reset</source>
        <translation>Ziehen zum Zoomen, Rechtsklick zum Herauszoomen, Doppelklick zum Zurücksetzen</translation>
    </message>
    <message>
        <source>Reset zoom</source>
        <translation>Zoom zurücksetzen</translation>
    </message>
    <message>
        <source>No run loaded.</source>
        <translation>Kein Lauf geladen.</translation>
    </message>
    <message>
        <source>Loading the tensors of run %1…</source>
        <translation>Tensoren von Lauf %1 werden geladen…</translation>
    </message>
    <message>
        <source>The tensors of run %1 cannot be read: %2</source>
        <translation>Die Tensoren von Lauf %1 können nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 (run default)</source>
        <translation>%1 (Vorgabe des Laufs)</translation>
    </message>
    <message>
        <source>weight</source>
        <translation>Gewicht</translation>
    </message>
    <message>
        <source>activation</source>
        <translation>Aktivierung</translation>
    </message>
    <message>
        <source>min/max (weights)</source>
        <translation>Min/Max (Gewichte)</translation>
    </message>
    <message>
        <source>Run %1 has no tensor statistics (only quantize runs collect them).</source>
        <translation>Lauf %1 hat keine Tensorstatistiken (nur Quantisierungsläufe erfassen sie).</translation>
    </message>
    <message>
        <source>Select a tensor to see its histogram and the thresholds of every calibrator.</source>
        <translation>Einen Tensor auswählen, um sein Histogramm und die Schwellen jedes Kalibrierers zu sehen.</translation>
    </message>
    <message>
        <source>Calibrating %1…</source>
        <translation>%1 wird kalibriert…</translation>
    </message>
    <message>
        <source>The statistics of %1 cannot be read: %2</source>
        <translation>Die Statistiken von %1 können nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; — %2 %3, %4 values, min %5, max %6, mean %7, std %8. Format: %9.</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; — %2 %3, %4 Werte, Min %5, Max %6, Mittelwert %7, Std.-Abw. %8. Format: %9.</translation>
    </message>
    <message numerus="yes">
        <source>%n NaN/Inf value(s) were not binned.</source>
        <translation>
            <numerusform>%n NaN/Inf-Wert wurde nicht einsortiert.</numerusform>
            <numerusform>%n NaN/Inf-Werte wurden nicht einsortiert.</numerusform>
        </translation>
    </message>
    <message>
        <source>The thresholds and errors below treat the whole tensor with one scale; the run used one scale per channel (ranges in the lower chart).</source>
        <translation>Die Schwellen und Fehler unten behandeln den ganzen Tensor mit einer Skala; der Lauf verwendete eine Skala pro Kanal (Bereiche im unteren Diagramm).</translation>
    </message>
    <message>
        <source>No values were recorded for this tensor.</source>
        <translation>Für diesen Tensor wurden keine Werte aufgezeichnet.</translation>
    </message>
    <message>
        <source>MinMax</source>
        <translation>MinMax</translation>
    </message>
    <message>
        <source>Percentile %1%</source>
        <translation>Perzentil %1%</translation>
    </message>
    <message>
        <source>Entropy (KL)</source>
        <translation>Entropie (KL)</translation>
    </message>
    <message>
        <source>MSE</source>
        <translation>MSE</translation>
    </message>
    <message>
        <source>%1 (used by the run)</source>
        <translation>%1 (vom Lauf verwendet)</translation>
    </message>
    <message>
        <source>Histogram</source>
        <translation>Histogramm</translation>
    </message>
    <message>
        <source>Histogram of %1</source>
        <translation>Histogramm von %1</translation>
    </message>
    <message>
        <source>count</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <source>value</source>
        <translation>Wert</translation>
    </message>
    <message numerus="yes">
        <source>values (%n bars, %1 stored bins each)</source>
        <translation>
            <numerusform>Werte (%n Balken, je %1 gespeicherte Bins)</numerusform>
            <numerusform>Werte (%n Balken, je %1 gespeicherte Bins)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>values (%n stored bins)</source>
        <translation>
            <numerusform>Werte (%n gespeicherter Bin)</numerusform>
            <numerusform>Werte (%n gespeicherte Bins)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Range of each output channel (axis %1, %n channel(s))</source>
        <translation>
            <numerusform>Bereich jedes Ausgabekanals (Achse %1, %n Kanal)</numerusform>
            <numerusform>Bereich jedes Ausgabekanals (Achse %1, %n Kanäle)</numerusform>
        </translation>
    </message>
    <message>
        <source>max</source>
        <translation>Max</translation>
    </message>
    <message>
        <source>min</source>
        <translation>Min</translation>
    </message>
    <message>
        <source>output channel</source>
        <translation>Ausgabekanal</translation>
    </message>
</context>
<context>
    <name>qwb::ui::format</name>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>CNN</source>
        <translation>CNN</translation>
    </message>
    <message>
        <source>Transformer</source>
        <translation>Transformer</translation>
    </message>
    <message>
        <source>RNN</source>
        <translation>RNN</translation>
    </message>
    <message>
        <source>MLP</source>
        <translation>MLP</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Sonstige</translation>
    </message>
</context>
</TS>
