import asyncio, os
import connectycube as cc

async def main():
    cube = cc.ConnectyCube()  # the emulator's app: id 1, auth key 29WfrNWdvkhmX6V
    cube.do_init("1", "29WfrNWdvkhmX6V", cc.ConnectycubeConfig(api_endpoint=os.environ["CONNECTYCUBE_API_ENDPOINT"]))
    await cube.sign_up(cc.ConnectycubeUser(login="marvin18", password="supersecurepwd", full_name="Marvin"))
    session = await cube.create_session(cc.ConnectycubeUser(login="marvin18", password="supersecurepwd"))
    me = await cube.get_user_by_id(session.user_id)
    print(f"signed in as {me.login} ({me.full_name}), user id {me.id}")

asyncio.run(main())
