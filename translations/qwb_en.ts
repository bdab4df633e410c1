<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>qwb::ui::CompareView</name>
    <message numerus="yes">
        <source>%n sample(s) changed their prediction (true class, A&apos;s and B&apos;s prediction with confidence; green: B is right, red: B is wrong where A was right).</source>
        <translation>
            <numerusform>%n sample changed its prediction (true class, A&apos;s and B&apos;s prediction with confidence; green: B is right, red: B is wrong where A was right).</numerusform>
            <numerusform>%n samples changed their prediction (true class, A&apos;s and B&apos;s prediction with confidence; green: B is right, red: B is wrong where A was right).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qwb::ui::DecisionTreeView</name>
    <message numerus="yes">
        <source>%n row(s)</source>
        <translation>
            <numerusform>%n row</numerusform>
            <numerusform>%n rows</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>measured, %n run(s)</source>
        <translation>
            <numerusform>measured, %n run</numerusform>
            <numerusform>measured, %n runs</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qwb::ui::DecisionView</name>
    <message numerus="yes">
        <source>%1, %n run(s)</source>
        <translation>
            <numerusform>%1, %n run</numerusform>
            <numerusform>%1, %n runs</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qwb::ui::GraphView</name>
    <message numerus="yes">
        <source>Laying out %n node(s)…</source>
        <translation>
            <numerusform>Laying out %n node…</numerusform>
            <numerusform>Laying out %n nodes…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qwb::ui::MainWindow</name>
    <message numerus="yes">
        <source>%1: %n run(s)</source>
        <translation>
            <numerusform>%1: %n run</numerusform>
            <numerusform>%1: %n runs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %n node(s), loaded in %2</source>
        <translation>
            <numerusform>%1: %n node, loaded in %2</numerusform>
            <numerusform>%1: %n nodes, loaded in %2</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qwb::ui::ModelView</name>
    <message numerus="yes">
        <source>%n layer(s)</source>
        <translation>
            <numerusform>%n layer</numerusform>
            <numerusform>%n layers</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n layer(s)</source>
        <translation>
            <numerusform>%1 of %n layer</numerusform>
            <numerusform>%1 of %n layers</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>New Run Keeping %n Layer(s) in Float...</source>
        <translation>
            <numerusform>New Run Keeping %n Layer in Float...</numerusform>
            <numerusform>New Run Keeping %n Layers in Float...</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qwb::ui::ProjectExplorer</name>
    <message numerus="yes">
        <source>%1: %n sample(s), %2 classes
%3</source>
        <translation>
            <numerusform>%1: %n sample, %2 classes
%3</numerusform>
            <numerusform>%1: %n samples, %2 classes
%3</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qwb::ui::RunManager</name>
    <message numerus="yes">
        <source>%n layer(s) ranked</source>
        <translation>
            <numerusform>%n layer ranked</numerusform>
            <numerusform>%n layers ranked</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qwb::ui::TensorsView</name>
    <message numerus="yes">
        <source>%n NaN/Inf value(s) were not binned.</source>
        <translation>
            <numerusform>%n NaN/Inf value was not binned.</numerusform>
            <numerusform>%n NaN/Inf values were not binned.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>values (%n bars, %1 stored bins each)</source>
        <translation>
            <numerusform>values (%n bar, %1 stored bins each)</numerusform>
            <numerusform>values (%n bars, %1 stored bins each)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>values (%n stored bins)</source>
        <translation>
            <numerusform>values (%n stored bin)</numerusform>
            <numerusform>values (%n stored bins)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Range of each output channel (axis %1, %n channel(s))</source>
        <translation>
            <numerusform>Range of each output channel (axis %1, %n channel)</numerusform>
            <numerusform>Range of each output channel (axis %1, %n channels)</numerusform>
        </translation>
    </message>
</context>
</TS>
