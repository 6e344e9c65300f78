"""What the View menu changes: the minimap moves the canvas, the theme recolours the canvas and
cards and is remembered, small zoom levels (drawn without text) still select and connect, and
the window starts without the heavy libraries."""
from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, QSettings, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest

from designer.gui import theme
from designer.gui.canvas.node_item import BODY, NODE_WIDTH, TEXT_MIN_SCALE
from designer.model import Edge, Node

from .conftest import example_pipeline
from .test_canvas import drag, port_pos

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def light_again():
    yield
    theme.apply("light")        # the theme is application-wide: leave it as other tests expect


def spread_nodes(doc) -> None:
    for node_id, pos in (("a", (0, 0)), ("b", (1600, 0)), ("c", (1600, 1400)), ("d", (0, 1400))):
        doc.pipeline.add_node(Node(node_id, "sample_dataset", position=pos))


def test_click_on_minimap_centres_the_view_there(canvas, qtbot):
    doc, view = canvas
    spread_nodes(doc)
    view.set_minimap_visible(True)
    minimap = view.minimap
    assert minimap.isVisible()
    card = doc.scene.nodes["c"].sceneBoundingRect()
    assert not view.mapToScene(view.viewport().rect()).boundingRect().contains(card.center())
    where = minimap.to_minimap(card.center()).toPoint()      # node c, as drawn on the minimap
    pixel = 1 / minimap._mapping(minimap.world())[0]          # one minimap pixel, in scene units
    QTest.mouseClick(minimap, Qt.LeftButton, Qt.NoModifier, where)
    centre = view.visible_centre()
    assert abs(centre.x() - card.center().x()) < pixel
    assert abs(centre.y() - card.center().y()) < pixel
    assert view.mapToScene(view.viewport().rect()).boundingRect().contains(card)  # c is in view


def test_drag_on_minimap_follows_the_mouse(canvas):
    doc, view = canvas
    spread_nodes(doc)
    view.set_minimap_visible(True)
    minimap = view.minimap
    start = minimap.to_minimap(doc.scene.nodes["a"].sceneBoundingRect().center()).toPoint()
    end = minimap.to_minimap(doc.scene.nodes["b"].sceneBoundingRect().center()).toPoint()
    target = minimap.to_scene(QPointF(end))            # the mapping stays put during the drag
    QTest.mousePress(minimap, Qt.LeftButton, Qt.NoModifier, start)
    for i in range(1, 6):
        QTest.mouseMove(minimap, start + (end - start) * i / 5)
    QTest.mouseRelease(minimap, Qt.LeftButton, Qt.NoModifier, end)
    centre = view.visible_centre()
    assert abs(centre.x() - target.x()) < 3 and abs(centre.y() - target.y()) < 3


def _main_colour(view, item) -> QColor:
    """The most common colour inside a card's body, as painted on the screen."""
    image = view.viewport().grab().toImage()
    body = item.mapRectToScene(item.boundingRect())
    top_left = view.mapFromScene(item.scenePos() + QPointF(8, item.body_top + 4))
    bottom_right = view.mapFromScene(item.scenePos() + QPointF(NODE_WIDTH - 8,
                                                               item.body_top + BODY - 4))
    assert body.isValid()
    counts = Counter(image.pixel(x, y) for x in range(top_left.x(), bottom_right.x(), 2)
                     for y in range(top_left.y(), bottom_right.y(), 2))
    return QColor.fromRgb(counts.most_common(1)[0][0])


def _close(a: QColor, b: QColor) -> bool:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue())) <= 3


def test_dark_theme_recolours_canvas_and_cards_and_is_remembered(qtbot, registry, tmp_path):
    from designer.gui.app import create_app
    from designer.gui.document import Document
    from designer.gui.main_window import MainWindow
    create_app()
    settings_file = str(tmp_path / "s.ini")
    win = MainWindow(registry, QSettings(settings_file, QSettings.IniFormat))
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    win.set_document(Document(example_pipeline(registry)))
    view, scene = win.view, win.document.scene
    card = scene.nodes["split"]
    view.resetTransform()
    view.centerOn(card.sceneBoundingRect().center())
    qtbot.wait(20)
    assert _close(_main_colour(view, card), QColor(theme.LIGHT.card_bg))
    win.actions_["theme_dark"].trigger()          # View → Theme → Dark
    qtbot.wait(20)
    assert scene.backgroundBrush().color() == QColor(theme.DARK.canvas_bg)
    assert _close(_main_colour(view, card), QColor(theme.DARK.card_bg))   # the card repainted
    empty = view.mapFromScene(card.scenePos() + QPointF(NODE_WIDTH + 215, 3))  # between dots
    pixel = QColor.fromRgb(view.viewport().grab().toImage().pixel(empty))
    assert _close(pixel, QColor(theme.DARK.canvas_bg))
    win.settings.sync()
    assert QSettings(settings_file, QSettings.IniFormat).value(theme.SETTINGS_KEY) == "dark"
    win.document.undo_stack.setClean()
    win.close()
    theme.apply("light")
    again = MainWindow(registry, QSettings(settings_file, QSettings.IniFormat))   # next start
    qtbot.addWidget(again)
    assert theme.current() is theme.DARK and again.actions_["theme_dark"].isChecked()
    again.close()


def test_cards_without_text_at_small_zoom_still_select_and_connect(canvas, qtbot):
    doc, view = canvas
    doc.pipeline.add_node(Node("data", "sample_dataset", position=(0, 0)))
    doc.pipeline.add_node(Node("split", "split_data", position=(0, 200)))
    doc.pipeline.add_node(Node("far", "sample_dataset", position=(600, 0)))
    view.resetTransform()
    view.scale(0.3, 0.3)
    assert view.transform().m11() < TEXT_MIN_SCALE
    view.centerOn(300, 100)
    qtbot.wait(20)
    split = doc.scene.nodes["split"]
    click = view.mapFromScene(split.scenePos() + QPointF(NODE_WIDTH / 2, split.height / 2))
    QTest.mouseClick(view.viewport(), Qt.LeftButton, Qt.NoModifier, click)
    assert doc.scene.selected_node_ids() == ["split"]
    drag(view, port_pos(doc, "data", "data", True), port_pos(doc, "split", "data", False))
    assert doc.pipeline.edges == [Edge("data", "data", "split", "data")]
    drag(view, QPointF(-60, -60), QPointF(250, 400))           # rubber band around two cards
    assert sorted(doc.scene.selected_node_ids()) == ["data", "split"]


def test_zoom_steps_keep_cards_clickable_and_end_crisp(canvas, qtbot):
    from PySide6.QtWidgets import QGraphicsItem
    doc, view = canvas
    doc.pipeline.add_node(Node("data", "sample_dataset", position=(0, 0)))
    item = doc.scene.nodes["data"]
    for _ in range(3):
        view.zoom(1 / 1.1)
    view.centerOn(item.sceneBoundingRect().center())
    QTest.mouseClick(view.viewport(), Qt.LeftButton, Qt.NoModifier,
                     view.mapFromScene(item.sceneBoundingRect().center()))
    assert doc.scene.selected_node_ids() == ["data"]
    # after the last step the cards go back to a cache at the screen's resolution
    qtbot.waitUntil(lambda: item.cacheMode() == QGraphicsItem.DeviceCoordinateCache, timeout=2000)


def test_window_starts_without_heavy_libraries(tmp_path):
    """Start-up stays fast: plots, graph algorithms, data frames and the database layer load
    when first needed, not when the window opens."""
    code = ("import sys\n"
            "from designer.gui.app import create_app\n"
            "app = create_app()\n"
            "from designer.gui.main_window import MainWindow\n"
            "from PySide6.QtCore import QSettings\n"
            f"w = MainWindow(settings=QSettings({str(tmp_path / 's.ini')!r}, QSettings.IniFormat))\n"
            "w.show(); app.processEvents()\n"
            "heavy = ('pyqtgraph', 'networkx', 'qtawesome', 'pandas', 'sklearn', 'numpy',\n"
            "         'sqlalchemy')\n"
            "print(' '.join(m for m in heavy if m in sys.modules))\n"
            "w.close()\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MLWIRE_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1:] in ([], [""]), done.stdout
