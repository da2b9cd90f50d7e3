# An L-shaped kitchen-diner: a galley of counters and appliances along the long wall, a dining
# table with four chairs in the other wing.
# Run: worldsmith exec examples/kitchen_diner.py --out out/kitchen_diner
room("kitchen-diner", polygon=[(0, 0), (6.0, 0), (6.0, 3.0), (3.4, 3.0), (3.4, 5.6), (0, 5.6)], height=2.7)
door("wall_3", at=0.5, width=0.9)            # wall_3 runs along x = 3.4, dining wing
window("wall_1", at=0.5, width=1.4, sill=1.1)  # over the counters on x = 6
window("wall_5", at=0.25, width=1.4, sill=0.9)  # dining wing, x = 0
material("floor", "grey terrazzo tiles")
material("walls", "white paint")
material("wall_0", "white subway tiles")

# kitchen run along wall_0 (y = 0): counter, stove, sink counter, fridge
fridge = add("refrigerator", width=0.75, depth=0.7, height=1.85)
place(fridge, against="wall_0", at=0.92)
x = 5.15
for cat in ["kitchen_counter", "stove", "sink", "kitchen_counter"]:
    unit = add(cat, width=0.8, depth=0.62, height=0.9)
    x = x - 0.8
    place(unit, against="wall_0", at=(x + 0.4, 0.5))
island = add("kitchen_island", width=1.6, depth=0.9, height=0.92)
place(island, at=(3.6, 1.75))
for i in range(2):
    stool = add("bar_stool")
    place(stool, at=(3.2 + 0.8 * i, 2.55), yaw=180)

# dining wing (x < 3.4, y > 3)
table = add("dining_table", width=1.6, depth=0.9)
place(table, at=(1.7, 4.2))
for dx in [-0.4, 0.4]:
    for side in [-1, 1]:
        c = add("dining_chair")
        place(c, at=(1.7 + dx, 4.2 + side * 0.72), yaw=0 if side < 0 else 180)
add("bowl", on=table)
place(add("potted_plant"), at=(3.0, 5.2))

light("ceiling", at=(3.6, 1.5), watts=60, kelvin=4000)
light("ceiling", at=(1.7, 4.2), watts=40, kelvin=2700)
