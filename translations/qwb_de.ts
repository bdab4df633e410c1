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
</context>
<context>
    <name>qwb::ui</name>
    <message>
        <source>Quantization Workbench</source>
        <translation>Quantization Workbench</translation>
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
        <translation>&amp;Zuletzt geöffnet</translation>
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
</TS>
