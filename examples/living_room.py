# A cosy living room: sofa facing a wall-mounted TV, coffee table on a rug, reading corner.
# Run: worldsmith exec examples/living_room.py --out out/living_room
room("living room", width=5.2, depth=4.4, height=2.8)
door("wall_0", at=0.5, width=0.9, hinge="start", swing="in")
window("wall_2", at=0.45, width=1.6, height=1.3, sill=0.9)
window("wall_0", at=0.15, width=0.9, height=1.2, sill=1.0)
material("floor", "light oak planks")
material("walls", "warm white paint")
material("wall_3", "sage green paint")

# seating group: sofa on the left wall, TV wall opposite
sofa = add("sofa", color="charcoal", width=2.1)
place(sofa, against="wall_3", at=0.5)
stand = add("tv_stand", width=1.6, depth=0.45, height=0.55)
place(stand, against="wall_1", at=0.5)
tv = add("tv", width=1.25, height=0.72)
place(tv, against="wall_1", at=0.5, height=1.0)

rug = add("rug", width=2.4, depth=1.6)
place(rug, at=(2.2, 2.2), yaw=90)
table = add("coffee_table", width=1.1, depth=0.6, height=0.42)
place(table, at=(1.95, 2.2), yaw=90)
add("vase", on=table)

chair = add("armchair", color="mustard")
place(chair, at=(3.85, 0.95))
rotate(chair, yaw=degrees(atan2(-(table.x - chair.x), table.y - chair.y)))

side = add("side_table", width=0.45, depth=0.45)
place(side, at=(0.35, 0.75))
place(add("floor_lamp"), at=(0.3, 3.75))
shelf = add("bookshelf", width=0.9, depth=0.32, height=1.9)
place(shelf, against="wall_2", at=0.1)
for i in range(3):
    book = add("book", on=shelf, surface=1)
    move(book, dx=-0.3 + 0.3 * i)
place(add("potted_plant"), at=(4.85, 0.4))
art = add("painting", width=1.0, height=0.7)
place(art, against="wall_3", at=0.5, height=1.35)

light("ceiling", at=(2.6, 2.2), watts=60, kelvin=2700)
light("point", at=(0.3, 3.75, 1.55), watts=25, kelvin=2400)
